"""Where the GitLab.com service catalog sample is (../shared/samples/gitlab-com-service-catalog,
see its SOURCE.txt): a real 55-service catalog, read with the ``gitlab`` mapping preset."""
from __future__ import annotations

from pathlib import Path

from conftest import SHARED, samples_dir

_SAMPLE = Path("gitlab-com-service-catalog") / "service-catalog.yml"
CATALOG = (samples_dir() or SHARED) / _SAMPLE
