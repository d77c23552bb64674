"""Where the GitLab.com service catalog sample is (../shared/samples/gitlab-com-service-catalog,
see its SOURCE.txt): a real 55-service catalog, read with the ``gitlab`` mapping preset."""
from __future__ import annotations

from pathlib import Path

from conftest import ROOT, SHARED

_SAMPLE = Path("gitlab-com-service-catalog") / "service-catalog.yml"
# shared/ sits beside the repository (a clone, CI) or beside the folder of worktrees.
CATALOG = next((base / _SAMPLE for base in (SHARED, ROOT.parent.parent / "shared" / "samples")
                if (base / _SAMPLE).exists()), SHARED / _SAMPLE)


