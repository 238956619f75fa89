"""Compiled templates kept on disk (public_status/template_cache.py): a second portal process loads
them instead of compiling, an edited template is compiled again, and a cache that cannot be read
or written never reaches a page."""

from __future__ import annotations

import shutil

import jinja2
import pytest

import public_status.app as portal_app_module
from public_status.app import create_app
from public_status.settings import PortalSettings
from public_status.template_cache import QuietBytecodeCache
from public_status.warm_up import warm_up
from tests.portal.conftest import SECRET, Portal


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    directory = tmp_path / "compiled"
    directory.mkdir()
    monkeypatch.setattr(portal_app_module, "template_cache", lambda: QuietBytecodeCache(str(directory)))
    return directory


@pytest.fixture
def compiles(monkeypatch) -> list[str]:
    """The names of the templates Jinja compiles from source, in order."""
    names: list[str] = []
    compile_source = jinja2.Environment.compile

    def counting(self, source, name=None, filename=None, raw=False, defer_init=False):
        names.append(name)
        return compile_source(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return names


def _new_app():
    return create_app(PortalSettings(secret_key=SECRET))


def test_a_second_process_loads_what_the_first_compiled(store, cache_dir, compiles):
    first = _new_app()
    warm_up(first)
    templates = first.jinja_env.list_templates(extensions=("html",))
    assert sorted(compiles) == sorted(templates) and len(list(cache_dir.iterdir())) == len(templates)
    compiles.clear()
    second = _new_app()  # a new environment, as in another process: nothing compiled in memory yet
    warm_up(second)
    assert compiles == []
    answer = Portal(second).get("/")
    assert answer.status_code == 200 and 'name="case_number"' in answer.get_data(as_text=True)


def _render(folder, cache, text: str, **settings) -> str:
    """`text` as the template page.html in `folder`, rendered by a new environment on `cache`."""
    (folder / "t").mkdir(exist_ok=True)
    (folder / "t" / "page.html").write_text(text, encoding="utf-8")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder / "t")), bytecode_cache=cache, **settings)
    return env.get_template("page.html").render(who="<b>Olena</b>")


def test_an_edited_template_is_compiled_again(tmp_path):
    cache = QuietBytecodeCache(str(tmp_path))
    assert _render(tmp_path, cache, "Stan sprawy") == "Stan sprawy"
    assert _render(tmp_path, cache, "Стан справи") == "Стан справи"


def test_code_compiled_with_other_settings_is_not_shared(tmp_path):
    """Jinja checks only the template's text: the key has to tell environments apart, or an
    autoescaping one would serve what a plain one compiled, the person's text unescaped."""
    cache = QuietBytecodeCache(str(tmp_path))
    assert _render(tmp_path, cache, "{{ who }}", autoescape=False) == "<b>Olena</b>"
    assert _render(tmp_path, cache, "{{ who }}", autoescape=True) == "&lt;b&gt;Olena&lt;/b&gt;"
    assert _render(tmp_path, cache, "{{ who }}", autoescape=False) == "<b>Olena</b>"
    assert len(list(tmp_path.glob("*.cache"))) == 2  # one compiled file per kind of environment


@pytest.mark.parametrize("keep", [lambda n: 20, lambda n: n // 2], ids=["digest cut", "code cut"])
def test_a_damaged_cache_is_compiled_around(store, cache_dir, compiles, keep):
    warm_up(_new_app())
    for kept in cache_dir.iterdir():
        data = kept.read_bytes()
        kept.write_bytes(data[: keep(len(data))])
    compiles.clear()
    answer = Portal(_new_app()).get("/info")
    assert answer.status_code == 200 and compiles  # compiled from source, as without a cache


def test_a_cache_that_cannot_be_written_never_reaches_a_page(store, cache_dir, compiles):
    shutil.rmtree(cache_dir)
    cache_dir.write_text("not a directory")  # every write fails
    answer = Portal(_new_app()).get("/")
    assert answer.status_code == 200 and compiles
