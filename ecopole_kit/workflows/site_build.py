"""The command's build of one project: its pages rendered in a forked process while this one
loads mkdocs, then mkdocs run here on what was prepared.

Rendering (``workflows/build.py``: the project checked, the référentiel and the geography
read, the pages written into ``.ecopole/build/``) and loading mkdocs with its theme and
extensions are independent: where a second core is free (``foundation/parallel.py``) they run
side by side, and the build then costs little more than mkdocs' own. This side also checks
the project's files against their schemas first, while the other imports the kit: a file
that passed is remembered (``foundation/checked.py``), so the rendering side finds it so and
does not import jsonschema. Elsewhere all runs in turn, with the same result. Light on
purpose: this module imports neither the référentiel, nor the geography, nor mkdocs; each
side imports what it needs.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from ecopole_kit.errors import FileSystemError
from ecopole_kit.foundation import parallel
from ecopole_kit.foundation.resources import template_file
from ecopole_kit.models import BuiltSite, ToComplete
from ecopole_kit.network.stamps import write_stamp
from ecopole_kit.project.files import check_schemas
from ecopole_kit.project.layout import BUILD_DIR, MKDOCS_FILE, SITE_DIR
from ecopole_kit.site import engine


@dataclass(frozen=True)
class PreparedBuild:
    """A project's pages written into its build folder: what they were made from (the
    inputs' fingerprint, taken before reading) and what the project still leaves empty."""

    inputs: str
    to_complete: tuple[ToComplete, ...]


def paths(root: Path) -> engine.SitePaths:
    """Where a project's site is prepared and built."""
    return engine.SitePaths(work_dir=root / BUILD_DIR, site_dir=root / SITE_DIR,
                            inherit=root / MKDOCS_FILE)


def build_project(root: Path, *, safe: bool = False) -> BuiltSite:
    """Validate, render and build a project's site, whole or not at all; its pages are
    rendered beside the loading of mkdocs where a core is free."""
    if not parallel.spare_core():
        return finish_build(root, _prepared(root, safe))
    with parallel.alongside(_prepared, root, safe) as prepared, \
            tempfile.TemporaryDirectory(prefix="ecopole-") as scratch:
        check_schemas(root)  # before the rendering needs them: it finds them remembered
        engine.warm_up(template_file(MKDOCS_FILE), Path(scratch))
        ready = prepared.result()  # an error of the project is raised here, as in turn
    return finish_build(root, ready)


def finish_build(root: Path, prepared: PreparedBuild) -> BuiltSite:
    """Run mkdocs on the prepared build folder, swap the site in, stamp what it was made
    from."""
    try:
        site_dir = engine.build_prepared(paths(root))
        write_stamp(root, prepared.inputs, prepared.to_complete)
    except OSError as error:
        raise FileSystemError(error=error, action="écriture du site") from None
    return BuiltSite(project=root, site_dir=site_dir, to_complete=prepared.to_complete)


def _prepared(root: Path, safe: bool) -> PreparedBuild:
    from ecopole_kit.workflows.build import prepare_build  # the heavy side

    return prepare_build(root, safe=safe)
