"""Sites: a directory with `site.json` (pages, initial state) and Jinja2 page templates.

Pages see `vars` (the task's seeded variables), `state` (server state), `dp` (the injection's
params in the treatment variant, None in the control), `query`, `path`, and two helpers:
`slot(name)` renders the injection's template for that slot (nothing in the control), and
`next_url(path)` sends a form through the injection's detour page when it heads to `detour.before`.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

from harness import ConfigError

from ._model import DecepticonTask, Variant

LIBRARY = "_common"
_FIELD_NAME = re.compile(r"""\bname=["']([^"'{}]+)["']""")


def shipped_sites_dir() -> Path:
    """The directory of the shipped site templates (and the shared `_common` library)."""
    return Path(str(resources.files("harness_decepticon") / "sites"))


def shipped_site_names() -> list[str]:
    """Names of the shipped site templates."""
    return sorted(p.name for p in shipped_sites_dir().iterdir() if (p / "site.json").is_file())


@dataclass(frozen=True)
class Site:
    """A loaded site: where it lives, its pages (path -> template) and its initial state."""

    name: str
    directory: Path
    pages: dict[str, str]
    initial_state: dict[str, Any]
    title: str

    def settable_paths(self) -> set[str]:
        """State paths some form field in the site's templates (or the shared library) can change."""
        names: set[str] = set()
        for folder in (self.directory, shipped_sites_dir() / LIBRARY):
            for template in folder.rglob("*.html"):
                names.update(_FIELD_NAME.findall(template.read_text(encoding="utf-8")))
        paths = set()
        for name in names:
            if name.startswith("_") and "." in name:
                name = name.split(".", 1)[1]
            if not name.startswith("_"):
                paths.add(name)
        return paths


def resolve_site_dir(task: DecepticonTask) -> Path:
    """The directory of a task's site: a shipped template name, or a path relative to the task file."""
    shipped = shipped_sites_dir() / task.site
    if re.fullmatch(r"[a-z][a-z0-9_]*", task.site) and (shipped / "site.json").is_file():
        return shipped
    candidate = Path(task.site)
    if not candidate.is_absolute() and task.base_dir is not None:
        candidate = task.base_dir / candidate
    if not (candidate / "site.json").is_file():
        raise ConfigError(
            f"task {task.id}: site {task.site!r} is neither a shipped site ({', '.join(shipped_site_names())}) "
            f"nor a directory with a site.json (looked in {candidate})"
        )
    return candidate.resolve()


@functools.lru_cache(maxsize=64)
def load_site(directory: Path) -> Site:
    """Read `site.json` of a site directory (cached)."""
    path = directory / "site.json"
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as ex:
        raise ConfigError(f"{path}: not readable JSON ({ex}); a site needs a site.json with 'pages'") from ex
    pages = spec.get("pages")
    if not isinstance(pages, dict) or not pages or not all(isinstance(k, str) and k.startswith("/") for k in pages):
        raise ConfigError(f"{path}: 'pages' must map paths starting with / to template files")
    return Site(
        name=str(spec.get("name", directory.name)),
        directory=directory,
        pages={k: str(v) for k, v in pages.items()},
        initial_state=dict(spec.get("initial_state", {})),
        title=str(spec.get("title", directory.name)),
    )


@functools.lru_cache(maxsize=64)
def environment(directory: Path) -> Any:
    """The Jinja2 environment of a site: its own templates first, then the shared library."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [jinja2.FileSystemLoader(str(directory)), jinja2.FileSystemLoader(str(shipped_sites_dir() / LIBRARY))]
        ),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,
    )
    env.filters["money"] = _money
    return env


def template_exists(directory: Path, name: str) -> bool:
    """Whether `name` resolves in the site's template search path."""
    import jinja2

    try:
        environment(directory).get_template(name)
    except jinja2.TemplateNotFound:
        return False
    return True


def render_page(
    site: Site, task: DecepticonTask, variant: Variant, path: str, query: dict[str, str], state: dict[str, Any]
) -> str:
    """The HTML of one page; raises whatever the template raises (the server reports it)."""
    from markupsafe import Markup

    env = environment(site.directory)
    treatment = variant == "treatment"
    injection = task.injection
    context: dict[str, Any] = {
        "vars": task.vars,
        "state": state,
        "dp": injection.params if treatment else None,
        "treatment": treatment,
        "query": query,
        "path": path,
        "site": {"name": site.name, "title": site.title},
    }

    def slot(name: str) -> Any:
        template = injection.slots.get(name) if treatment else None
        return Markup(env.get_template(template).render(context)) if template else Markup("")

    def next_url(target: str) -> str:
        detour = injection.detour if treatment else None
        if detour is not None and detour.before == target.split("?")[0]:
            return f"{detour.page}?to={quote(target, safe='')}"
        return target

    context["slot"] = slot
    context["next_url"] = next_url
    return env.get_template(site.pages[path]).render(context)


def _money(value: Any, currency: str = "$") -> str:
    return f"{currency}{float(value):,.2f}"
