"""Where the GitLab.com service catalog sample is: a real 55-service catalog, read with the
``gitlab`` mapping preset (tests/data/samples/gitlab-com-service-catalog, or the full file
under VALUATE_SAMPLES; see tests/data/SOURCE.md)."""
from __future__ import annotations

from conftest import samples_dir

CATALOG = samples_dir() / "gitlab-com-service-catalog" / "service-catalog.yml"
