"""The site engine: turn rendered pages into a static site with mkdocs (its only caller).

It knows no project: it is given the pages (a ``RenderedSite``), files to copy as they are,
and explicit paths (a work folder, the output folder, an optional mkdocs configuration to
inherit the theme from). It writes ``docs/`` and ``mkdocs.yml`` into the work folder,
touching only files whose content changed and removing those no longer produced, then
runs mkdocs' build in this process (``_mkdocs``), in strict mode: no second
interpreter, and mkdocs-material's Jinja templates compiled once, their bytecode kept in the
kit's cache (``foundation/cache.py``). mkdocs is never run with ``--dirty``: its search index
and navigation would then miss the pages it skipped.

Builds are all or nothing: mkdocs writes into a staging folder beside the output folder,
swapped in only when the build succeeded (``foundation/folders.py``: a failure, Ctrl-C or
kill -9 leaves the previous site whole; the next run finishes or undoes a half swap). The
engine writes through no link: an output or work folder that is a link is refused (mkdocs
would empty its target), and a link found inside the work folder, which is the kit's, is
removed. mkdocs runs from an empty folder, the current folder taken off the import path, so
no module of the project can be imported instead of an installed one.
"""

from __future__ import annotations

import html
import logging
import os
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ecopole_kit.errors import BuildFailed
from ecopole_kit.foundation import cache, folders
from ecopole_kit.foundation.documents import dump_yaml, write_bytes_atomic, write_text_atomic
from ecopole_kit.foundation.resources import shipped_file
from ecopole_kit.site.mkdocs_fr import translated
from ecopole_kit.site.rendered import Nav, RenderedSite

_MATERIAL_NOTICE = "NO_MKDOCS_2_WARNING"  # Material's variable for its end-of-life notice

DOCS_DIR = "docs"
CONFIG_FILE = "mkdocs.yml"
CONFIG_HEADER = "# Produit par ecopole-kit build : ne pas modifier.\n"
# Files the kit adds to every site. The search shim is served from the site itself:
# mkdocs-material's offline plugin would otherwise fetch it from a CDN.
SHIM_TARGET = "assets/javascripts/iframe-worker-shim.js"
STYLESHEET_TARGET = "assets/stylesheets/ecopole.css"
KIT_ASSETS = {SHIM_TARGET: ("site", "vendor", "iframe-worker", "shim.js"),
              STYLESHEET_TARGET: ("site", "assets", "ecopole.css"),
              "assets/javascripts/ecopole.js": ("site", "assets", "ecopole.js")}
POLL_SECONDS = 0.5
NEUTRAL_DIR = ".vide"  # inside the work folder: mkdocs' current folder, always empty
_ONE_BUILD = threading.Lock()  # mkdocs' logger and the current folder belong to the process


def kit_assets() -> dict[str, Path]:
    """The kit's own files every site holds, by their path in the site."""
    return {target: shipped_file(*source) for target, source in KIT_ASSETS.items()}


@dataclass(frozen=True)
class SiteSources:
    """What a site is made of: rendered pages, files copied as they are, and its name."""

    rendered: RenderedSite
    site_name: str
    copyright: str
    copied: Mapping[str, Path] = field(default_factory=dict)


@dataclass(frozen=True)
class SitePaths:
    """Where the engine works: ``work_dir`` receives docs/ and mkdocs.yml, ``site_dir`` the
    static site; ``inherit`` is a mkdocs configuration whose theme and extensions are kept."""

    work_dir: Path
    site_dir: Path
    inherit: Path | None = None
    assets: Mapping[str, Path] = field(default_factory=kit_assets)

    @property
    def config(self) -> Path:
        return self.work_dir / CONFIG_FILE


def prepare(sources: SiteSources, paths: SitePaths) -> Path:
    """Write the pages, files and mkdocs configuration; return the configuration's path."""
    folders.refuse_linked_folder(paths.work_dir)
    _remove_links(paths.work_dir)
    docs = paths.work_dir / DOCS_DIR
    rendered = sources.rendered
    for path, text in rendered.pages.items():
        _write_if_changed(docs / path, text)
    for path, data in rendered.files.items():
        _write_bytes_if_changed(docs / path, data)
    copied = {**sources.copied, **paths.assets}
    for relative, source in copied.items():  # a person's file is read without following a link
        _copy_if_changed(source, docs / relative, follow=relative in paths.assets)
    _remove_stale(docs, {docs / p for p in [*rendered.pages, *rendered.files, *copied]})
    _write_if_changed(paths.config, mkdocs_config(sources, paths))
    return paths.config


def build(sources: SiteSources, paths: SitePaths) -> Path:
    """Prepare, then build the static site into ``paths.site_dir`` (strict mode), whole or
    not at all: the previous site stays until the new one is complete."""
    folders.refuse_linked_folder(paths.site_dir)
    prepare(sources, paths)
    return build_prepared(paths)


def build_prepared(paths: SitePaths) -> Path:
    """Build the site ``prepare`` wrote into ``paths.work_dir`` (strict mode), whole or not
    at all: the previous site stays until the new one is complete."""
    folders.refuse_linked_folder(paths.site_dir)
    folders.refuse_linked_folder(paths.work_dir)
    staged = folders.staging(paths.site_dir)
    try:
        result = _mkdocs(paths.work_dir, "build", "--strict", "--clean", "--config-file",
                         str(paths.config.resolve()), "--site-dir", str(staged.resolve()))
        if result.returncode != 0:
            raise BuildFailed(output=_warnings(result.stdout + result.stderr))
        folders.swap_in(staged, paths.site_dir)
    finally:
        folders.remove_entry(staged)
    return paths.site_dir


def serve(paths: SitePaths, *, address: str, watch: Path | None,
          on_tick: Callable[[], None]) -> None:
    """Preview an already prepared site on ``address`` until mkdocs stops or Ctrl-C;
    ``on_tick`` runs twice a second meanwhile (to prepare the site again when needed)."""
    arguments = ["serve", "--config-file", str(paths.config.resolve()), "--dev-addr", address,
                 "--quiet", *(["--watch", str(watch.resolve())] if watch else [])]
    process = subprocess.Popen([sys.executable, "-m", "mkdocs", *arguments], env=_quiet_env(),
                               cwd=_neutral_dir(paths.work_dir))
    try:
        while process.poll() is None:
            time.sleep(POLL_SECONDS)
            on_tick()
    finally:
        process.terminate()
        process.wait(timeout=10)


def mkdocs_config(sources: SiteSources, paths: SitePaths) -> str:
    """The mkdocs configuration: name, navigation and folders; the theme is inherited."""
    config: dict[str, Any] = {}
    if paths.inherit is not None:
        config["INHERIT"] = _relative(paths.inherit, paths.work_dir)
    config.update({
        "site_name": html_safe(sources.site_name),
        "docs_dir": DOCS_DIR,
        "site_dir": _relative(paths.site_dir, paths.work_dir),
        "nav": mkdocs_nav(sources.rendered.nav),
        # No « Made with Material for MkDocs »: the footer speaks French, to the reader.
        "extra": {"polyfills": [SHIM_TARGET], "generator": False},
        "copyright": sources.copyright,
    })
    return dump_yaml(config, header=CONFIG_HEADER)


def mkdocs_nav(nav: Nav) -> list[dict[str, list[Any]]]:
    """The typed navigation in mkdocs' format; an untitled page is given by its path."""
    return [{section.title: [{page.title: page.path} if page.title else page.path
                             for page in section.entries]} for section in nav]


def html_safe(text: str) -> str:
    """mkdocs-material prints ``site_name`` unescaped in <title> and attributes."""
    flat = " ".join(text.split())
    return html.escape(flat, quote=False).replace('"', "&quot;")


def _relative(target: Path, start: Path) -> str:
    try:
        return Path(os.path.relpath(target, start)).as_posix()
    except ValueError:  # another drive (Windows): no relative path
        return target.resolve().as_posix()


def _write_if_changed(path: Path, text: str) -> None:
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        write_text_atomic(path, text)


def _write_bytes_if_changed(path: Path, data: bytes) -> None:
    if not path.is_file() or path.read_bytes() != data:
        write_bytes_atomic(path, data)


def _copy_if_changed(source: Path, target: Path, *, follow: bool) -> None:
    data = source.read_bytes() if follow else folders.read_bytes_nofollow(source)
    if not target.is_file() or target.read_bytes() != data:
        write_bytes_atomic(target, data)


def _remove_links(work_dir: Path) -> None:
    """The work folder is the kit's: a link there (planted, or committed) is removed."""
    for directory, subfolders, files in os.walk(work_dir):
        for name in [*subfolders, *files]:
            if (path := Path(directory, name)).is_symlink():
                path.unlink()


def _remove_stale(docs: Path, wanted: set[Path]) -> None:
    for path in sorted(docs.rglob("*"), reverse=True):
        if path.is_file() and path not in wanted:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def _mkdocs(work_dir: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """``mkdocs build`` run in this process, with the arguments of its command line
    (``--strict`` and ``--clean`` always; ``--config-file``, ``--site-dir``): its log comes
    back as the output the command would print, nothing reaches the terminal. One build at
    a time per process; the current folder, import path and mkdocs' logger are given back."""
    config = arguments[arguments.index("--config-file") + 1]
    site = arguments[arguments.index("--site-dir") + 1]
    with _ONE_BUILD, _captured_log() as lines, _neutral_process(_neutral_dir(work_dir)), \
            warnings.catch_warnings(record=True):  # Python's warnings: kept off the terminal
        warnings.simplefilter("default")
        code = _build_in_process(config, site, lines)
    return subprocess.CompletedProcess(list(arguments), code, "\n".join(lines), "")


def warm_up(theme_config: Path, scratch: Path) -> None:
    """Load mkdocs, its theme and the Markdown extensions of ``theme_config`` (a trusted
    configuration: the kit's own) before a build, while its pages are written elsewhere:
    what the first configuration of a process costs (Material lists its 14 000 icons) is
    then paid meanwhile. ``scratch`` is an empty folder of the caller's, the configuration's
    docs folder. Nothing is written; whatever fails here is left to the build to say."""
    _silence_material_notice()
    with _ONE_BUILD, _captured_log(), _neutral_process(scratch), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            import mkdocs.commands.build  # noqa: F401  (the build's own modules)
            from mkdocs.config import load_config

            load_config(config_file=str(theme_config), docs_dir=str(scratch),
                        site_dir=str(scratch / "site"))
        except Exception:  # a warm-up only: the build itself says what is wrong
            return


def _silence_material_notice() -> None:
    """No English end-of-life notice from Material when it is imported in this process."""
    os.environ.setdefault(_MATERIAL_NOTICE, "1")


def _build_in_process(config_file: str, site_dir: str, lines: list[str]) -> int:
    _silence_material_notice()
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    try:
        config = load_config(config_file=config_file, strict=True, site_dir=site_dir)
        _cache_templates(config.theme)
        mkdocs_build(config, dirty=False)
    except OSError:
        raise
    except Exception as error:  # what mkdocs' command would print before exiting with 1
        message = str(error) if _is_mkdocs_error(error) else f"{type(error).__name__}: {error}"
        lines.append(f"Error: {message}")
        return 1
    return 0


def _is_mkdocs_error(error: Exception) -> bool:
    from mkdocs.exceptions import MkDocsException

    return isinstance(error, MkDocsException)


def _cache_templates(theme: Any) -> None:
    """Give every Jinja environment of this build's theme (the pages', the search plugin's)
    a bytecode cache on disk, when the kit's cache folder can be written: Material's
    templates are then compiled once, not at every build (Jinja checks each template's
    source against its cached code). Only this build's theme object is changed."""
    import jinja2

    folder = cache.cache_folder("jinja")
    if folder is None:
        return
    bytecode = jinja2.FileSystemBytecodeCache(str(folder))
    make = theme.get_env

    def get_env() -> jinja2.Environment:
        env: jinja2.Environment = make()
        env.bytecode_cache = bytecode
        return env

    theme.get_env = get_env


@contextmanager
def _captured_log() -> Iterator[list[str]]:
    """mkdocs' warnings and errors, as its command prints them (« WARNING -  … »), kept for
    the French translation and kept from the terminal and the host's handlers, whatever
    level the host gave its loggers."""
    lines: list[str] = []
    handler = _ListHandler(lines)
    logger = logging.getLogger("mkdocs")
    propagate, level = logger.propagate, logger.level
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.WARNING)  # strict mode counts warnings: never filtered out above
    try:
        yield lines
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
        logger.setLevel(level)


class _ListHandler(logging.Handler):
    def __init__(self, lines: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.lines = lines

    def emit(self, record: logging.LogRecord) -> None:
        line = f"{record.levelname:<8}-  {record.getMessage()}"
        if line not in self.lines:  # each problem said once, as mkdocs' command does
            self.lines.append(line)


@contextmanager
def _neutral_process(empty: Path) -> Iterator[None]:
    """mkdocs runs from an empty folder, with the current folder off the import path
    (where ``python -m`` had put it); both are given back afterwards."""
    here = Path.cwd()
    path = list(sys.path)
    kit = Path(__file__).resolve().parents[2]
    sys.path[:] = [p for p in path if p not in ("", ".") and
                   (Path(p).resolve() != here or Path(p).resolve() == kit)]
    os.chdir(empty)
    try:
        yield
    finally:
        os.chdir(here)
        sys.path[:] = path


def _neutral_dir(work_dir: Path) -> Path:
    """An empty folder for mkdocs to run from: nothing there to import."""
    neutral = work_dir / NEUTRAL_DIR
    folders.remove_entry(neutral)
    neutral.mkdir(parents=True)
    return neutral


def _quiet_env() -> dict[str, str]:
    """mkdocs' environment, without Material's English end-of-life notice on the terminal."""
    return {**os.environ, _MATERIAL_NOTICE: "1"}


def _warnings(output: str) -> str:
    return translated(output)
