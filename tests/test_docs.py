"""The README and the guides in docs/ keep working as the code moves under them.

What a reader copies from them must still do what it says: every relative link lands on a file (and a heading)
that exists, every `make` target exists, every `python -m storage | public_status | sms_modem | counter_tui |
bench.*` command parses with the program's own argparse parser, every repository file a command names exists,
and every `OKIENKO_*` setting the docs name is one the programs read. Commands are taken from fenced shell
blocks and from the `ExecStart=` lines of the systemd units; nothing is executed beyond argument parsing
(`make -n` prints without running). The last test feeds the same checks a page of broken commands, so none of
them can pass by finding nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import io
import itertools
import re
import runpy
import shlex
import subprocess
import sys
import tomllib
import warnings
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
README_MAX_LINES = 200
# The programs whose argument lists are parsed; the console scripts of pyproject.toml stand for their package.
PARSED_PACKAGES = ("storage", "public_status", "sms_modem", "counter_tui")
# A command word starting with one of these names a file of the repository, which must exist.
REPOSITORY_ROOTS = (".ci/", "bench/", "counter_tui/", "docs/", "fixtures/", "public_status/", "sms_modem/", "storage/",
                    "tests/")  # fmt: skip
PRODUCT_SOURCES = ("storage", "public_status", "sms_modem", "counter_tui", "bench")
SHELL_FENCES = {"sh", "bash", "shell", "console"}
SETTING = re.compile(r"\bOKIENKO_[A-Z0-9_]*[A-Z0-9]\b")


def doc_files() -> list[Path]:
    return [README, *sorted((ROOT / "docs").glob("*.md"))]


@dataclasses.dataclass(frozen=True)
class Command:
    where: str  # file:line, for the failure message
    argv: tuple[str, ...]
    env: tuple[str, ...]  # variables the line sets (`NAME=value cmd`, `export NAME=…`)

    def __str__(self) -> str:
        return f"{self.where}: {shlex.join(self.argv)}"


# ---------------------------------------------------------------------------------------------- reading markdown


@cache
def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")


def _tokens(path: Path) -> list:
    return _markdown().parse(path.read_text(encoding="utf-8"))


@cache
def heading_anchors(path: Path) -> set[str]:
    """The anchors GitHub gives the file's headings: the heading's text in lower case, punctuation dropped,
    spaces as hyphens, a repeated one numbered."""
    tokens = _tokens(path)
    anchors: set[str] = set()
    for opening, inline in itertools.pairwise(tokens):
        if opening.type != "heading_open":
            continue
        text = "".join(child.content for child in inline.children or () if child.type in ("text", "code_inline"))
        slug = re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")
        anchor, n = slug, 0
        while anchor in anchors:
            n += 1
            anchor = f"{slug}-{n}"
        anchors.add(anchor)
    return anchors


def links(path: Path) -> Iterator[tuple[int, str]]:
    for token in _tokens(path):
        if token.type != "inline":
            continue
        for child in token.children or ():
            if child.type == "link_open":
                yield token.map[0] + 1, str(child.attrs["href"])


def fences(path: Path) -> Iterator[tuple[int, str, str]]:
    """(first line of the block's content, language, content) of each fenced block."""
    for token in _tokens(path):
        if token.type == "fence":
            yield token.map[0] + 2, token.info.strip().split(" ")[0], token.content


# -------------------------------------------------------------------------------------------- reading commands


def _expand_usage(line: str) -> str:
    """`[--opt X]` → `--opt X`: the docs show optional parts in brackets, and the checks take them all."""
    previous = None
    while previous != line:
        previous, line = line, re.sub(r"\[([^\[\]]*)\]", r"\1", line)
    return line


def _split_commands(words: list[str]) -> Iterator[list[str]]:
    command: list[str] = []
    for word in words:
        if word in ("|", "||", "&&", ";", "&"):
            if command:
                yield command
            command = []
        else:
            command.append(word)
    if command:
        yield command


def commands_in(path: Path) -> Iterator[Command]:
    """Every command of the shell blocks, and of the `ExecStart=` lines of the ini (systemd) blocks."""
    name = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name
    for first_line, language, content in fences(path):
        if language in SHELL_FENCES:
            lines = content.replace("\\\n", " ").splitlines()
        elif language == "ini":
            lines = [line.split("=", 1)[1] if line.startswith("ExecStart=") else "" for line in content.splitlines()]
        else:
            continue
        for offset, line in enumerate(lines):
            # `eval "$(.ci/postgres.sh start)"`: the substituted command is a command of its own.
            inner = re.findall(r"\$\(([^()]*(?:\([^()]*\)[^()]*)*)\)", line)
            for text in [re.sub(r"\$\((?:[^()]*(?:\([^()]*\)[^()]*)*)\)", "SUBSTITUTED", line), *inner]:
                words = shlex.split(_expand_usage(text), comments=True)
                for argv in _split_commands(words):
                    env = []
                    if argv and argv[0] == "export":
                        argv = argv[1:]
                    while argv and re.fullmatch(r"[A-Z_][A-Z0-9_]*=.*", argv[0], flags=re.S):
                        env.append(argv.pop(0).split("=", 1)[0])
                    # `--quiet-hours 20:00-08:00|off`: the first of the alternatives the usage offers.
                    argv = [word.split("|")[0] if "|" in word else word for word in argv]
                    if argv or env:
                        yield Command(f"{name}:{first_line + offset}", tuple(argv), tuple(env))


def all_commands(paths: list[Path]) -> list[Command]:
    return [command for path in paths for command in commands_in(path)]


@cache
def console_scripts() -> dict[str, str]:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    return {name: entry.split(":")[0].split(".")[0] for name, entry in scripts.items()}


def python_module(argv: tuple[str, ...]) -> tuple[str, list[str]] | None:
    """(module, its arguments) when the command runs one of the parsed programs; None otherwise."""
    if argv and argv[0] in console_scripts():
        return console_scripts()[argv[0]], list(argv[1:])
    if len(argv) >= 3 and re.fullmatch(r"(.*/)?python3?", argv[0]) and argv[1] == "-m":
        module = argv[2]
        if module in PARSED_PACKAGES or module.startswith("bench."):
            return module, list(argv[3:])
    return None


# ----------------------------------------------------------------------------------------------- the checks


class _Parsed(Exception):
    """Raised right after the program's argparse parser accepted its arguments: nothing else runs."""

    def __init__(self, parser: argparse.ArgumentParser) -> None:
        self.parser = parser


@contextlib.contextmanager
def _stop_after_parsing() -> Iterator[None]:
    """The program's own parser, built its own way (inside `main()` for some), judges the argument list; the
    first `parse_args` call that succeeds ends the run before the program does anything."""
    real_parse_args = argparse.ArgumentParser.parse_args

    def parse_then_stop(self, args=None, namespace=None):  # argparse's own signature
        real_parse_args(self, args, namespace)
        raise _Parsed(self)

    argparse.ArgumentParser.parse_args = parse_then_stop  # type: ignore[method-assign]
    try:
        yield
    finally:
        argparse.ArgumentParser.parse_args = real_parse_args  # type: ignore[method-assign]


def run_parser(module: str, args: list[str]) -> tuple[str | None, argparse.ArgumentParser | None]:
    """`python -m module args` up to its argument parser: (argparse's complaint or None, the parser)."""
    stderr = io.StringIO()
    saved_argv = sys.argv
    sys.argv = [module, *args]
    try:
        with (
            _stop_after_parsing(),
            contextlib.redirect_stderr(stderr),
            contextlib.redirect_stdout(io.StringIO()),
            warnings.catch_warnings(),
        ):
            # A module this process imported before (one bench imports another; another test imported a
            # package's __main__): runpy notes that it runs it again, which is what this parse-only run wants.
            warnings.filterwarnings("ignore", ".* found in sys.modules after import of package", RuntimeWarning)
            runpy.run_module(module, run_name="__main__", alter_sys=True)
    except _Parsed as parsed:
        return None, parsed.parser
    except SystemExit as stop:
        if stop.code in (0, None):
            return None, None
        said = stderr.getvalue().strip().splitlines()
        return (said[-1] if said else f"exit code {stop.code}"), None
    except ImportError as exc:
        return f"cannot import: {exc}", None
    finally:
        sys.argv = saved_argv
    return "ran past its argument parser without calling parse_args", None


def check_parses(commands: list[Command]) -> list[str]:
    problems = []
    for command in commands:
        found = python_module(command.argv)
        if found is None:
            continue
        complaint, _ = run_parser(*found)
        if complaint:
            problems.append(f"{command}: {complaint}")
    return problems


@cache
def make_target_works(target: str) -> bool:
    dry_run = subprocess.run(["make", "-n", "-C", str(ROOT), target], capture_output=True, text=True, timeout=30)
    return dry_run.returncode == 0


def check_make_targets(commands: list[Command]) -> list[str]:
    problems = []
    for command in commands:
        if command.argv[:1] != ("make",):
            continue
        for target in command.argv[1:]:
            if not target.startswith("-") and "=" not in target and not make_target_works(target):
                problems.append(f"{command}: `make -n {target}` fails: no such target in the Makefile")
    return problems


def check_files(commands: list[Command]) -> list[str]:
    problems = []
    for command in commands:
        for position, word in enumerate(command.argv):
            for candidate in re.split(r"[=,]", word):
                if not candidate.startswith(REPOSITORY_ROOTS):
                    continue
                path = ROOT / candidate
                if not path.exists():
                    problems.append(f"{command}: {candidate} does not exist")
                elif position == 0 and not path.stat().st_mode & 0o111:
                    problems.append(f"{command}: {candidate} is not executable")
        found = python_module(command.argv)
        if found and found[0].startswith("bench."):
            module_file = ROOT / (found[0].replace(".", "/") + ".py")
            if not module_file.exists():
                problems.append(f"{command}: {module_file.relative_to(ROOT)} does not exist")
    return problems


@cache
def _sources_text() -> str:
    return "\n".join(
        file.read_text(encoding="utf-8")
        for package in PRODUCT_SOURCES
        for file in sorted((ROOT / package).rglob("*.py"))
    )


def store_settings_in_readme(text: str) -> set[str]:
    """The variables of the README's settings table: the store's own, kept in `storage/config.py`."""
    section = text.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    return {name for line in section.splitlines() if line.startswith("| `OKIENKO_") for name in SETTING.findall(line)}


def check_settings(paths: list[Path], commands: list[Command], readme: Path = README) -> list[str]:
    from storage.config import SETTINGS

    problems = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        for name in sorted(set(SETTING.findall(text))):
            if name.startswith("OKIENKO_TEST_"):
                read = name in (ROOT / "tests" / "pg.py").read_text(encoding="utf-8")
            else:
                read = re.search(rf"\b{name}\b", _sources_text()) is not None
            if not read:
                problems.append(f"{path.name}: {name} is read by no program")
        if path == readme:
            for name in sorted(store_settings_in_readme(text) - set(SETTINGS)):
                problems.append(f"README.md, Settings: {name} is not in storage/config.py's SETTINGS")
    for command in commands:
        for name in command.env:
            if name.startswith("OKIENKO_") and re.search(rf"\b{name}\b", _sources_text()) is None:
                problems.append(f"{command}: {name} is read by no program")
    return problems


def check_links(paths: list[Path]) -> list[str]:
    problems = []
    for path in paths:
        for line, href in links(path):
            if re.match(r"[a-z][a-z0-9+.-]*:", href):  # https:, mailto: – not ours to check
                continue
            target_text, _, anchor = href.partition("#")
            target = (path.parent / target_text).resolve() if target_text else path
            where = f"{path.name}:{line}: {href}"
            if not target.exists():
                problems.append(f"{where}: {target_text} does not exist")
            elif anchor and (target.suffix != ".md" or anchor not in heading_anchors(target)):
                problems.append(f"{where}: no heading #{anchor} in {target.name}")
    return problems


def check_named_paths(paths: list[Path]) -> list[str]:
    """A file of the repository quoted in prose (`storage/config.py`, `tests/sms/test_mail.py`) still exists:
    a guide that names a moved file sends its reader nowhere. Globs count when they match something."""
    problems = []
    for path in paths:
        for quoted in sorted(set(re.findall(r"`([^`\s]+)`", path.read_text(encoding="utf-8")))):
            if quoted.startswith(REPOSITORY_ROOTS) and not any(ROOT.glob(quoted.rstrip("/"))):
                problems.append(f"{path.name}: `{quoted}` does not exist")
    return problems


def admin_cli_table(path: Path) -> dict[str, set[str]]:
    """Subcommand → the options its row names, from the Admin CLI table of the operations guide."""
    section = path.read_text(encoding="utf-8").split("\n## Admin CLI\n", 1)[1].split("\n## ", 1)[0]
    documented: dict[str, set[str]] = {}
    for row in section.splitlines():
        if not row.startswith("| `"):
            continue
        first_cell = re.split(r"(?<!\\)\|", row)[1]
        for usage in re.findall(r"`([^`]+)`", first_cell):
            name = usage.split()[0]
            documented.setdefault(name, set()).update(re.findall(r"--[a-z][a-z-]*", usage))
    return documented


def check_admin_cli_table(path: Path) -> list[str]:
    complaint, parser = run_parser("storage", ["stats"])
    assert parser is not None, complaint
    subcommands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
    documented = admin_cli_table(path)
    problems = [f"Admin CLI table: `{name}` is not a subcommand" for name in sorted(documented.keys() - subcommands)]
    undocumented = sorted(subcommands.keys() - documented.keys())
    problems += [f"Admin CLI table: the subcommand `{name}` is missing" for name in undocumented]
    for name, options in sorted(documented.items()):
        if name in subcommands:
            known = set(subcommands[name]._option_string_actions)
            problems += [f"Admin CLI table: `{name}` has no option {option}" for option in sorted(options - known)]
    return problems


# ----------------------------------------------------------------------------------------------- the tests


def test_readme_fits_on_a_screen() -> None:
    lines = len(README.read_text(encoding="utf-8").splitlines())
    assert lines <= README_MAX_LINES, f"README.md has {lines} lines; the rest belongs in docs/"


def test_every_relative_link_lands_on_a_file_and_heading() -> None:
    assert check_links(doc_files()) == []


def test_every_documented_command_parses() -> None:
    commands = all_commands(doc_files())
    assert sum(python_module(c.argv) is not None for c in commands) >= 30, "the block reader found too few commands"
    assert check_parses(commands) == []


def test_every_make_target_in_the_docs_exists() -> None:
    assert check_make_targets(all_commands(doc_files())) == []


def test_every_file_a_command_names_exists() -> None:
    assert check_files(all_commands(doc_files())) == []


def test_every_repository_file_the_docs_quote_exists() -> None:
    assert check_named_paths(doc_files()) == []


def test_every_setting_the_docs_name_is_read_by_a_program() -> None:
    assert check_settings(doc_files(), all_commands(doc_files())) == []


def test_the_admin_cli_table_lists_every_subcommand_with_real_options() -> None:
    assert check_admin_cli_table(ROOT / "docs" / "operations.md") == []


BROKEN_PAGE = """# Broken on purpose

## A heading

[a missing guide](docs/nowhere.md), [a missing heading](#no-such-heading), [fine](#a-heading)

Visits live in `storage/no_such_room.py`; the catalogues in `fixtures/`.

```sh
python -m storage purgee --json
.venv/bin/python -m sms_modem run --port /dev/ttyUSB0 --per-minnute 8
python -m public_status serve --port 99999
python -m storage create-clerk jkowalska --office SLU        # --name is required
okienko-sms statuss
python -m bench.no_such_bench --pg URL
make demo-everything
nginx -c .ci/nginx-nowhere.conf
OKIENKO_NO_SUCH_SETTING=1 python -m storage stats
```

```ini
ExecStart=/opt/okienko/.venv/bin/python -m storage backup --to /var/backups/okienko --keep-weeks 2
```

## Settings

| `OKIENKO_SECRET_KEY` | a portal setting, not the store's |

## Admin CLI

| `stats [--json]`, `statz` | … |
| `purge [--dry-run]` | … |
"""


def test_each_check_catches_a_broken_command(tmp_path: Path) -> None:
    page = tmp_path / "README.md"
    page.write_text(BROKEN_PAGE, encoding="utf-8")
    commands = list(commands_in(page))

    assert len(check_links([page])) == 2
    parse_problems = "\n".join(check_parses(commands))
    for broken in ("purgee", "--per-minnute", "99999", "--name", "statuss", "no_such_bench", "--keep-weeks"):
        assert broken in parse_problems
    assert "demo-everything" in "\n".join(check_make_targets(commands))
    assert "nginx-nowhere.conf" in "\n".join(check_files(commands))
    assert "bench/no_such_bench.py" in "\n".join(check_files(commands))
    assert check_named_paths([page]) == ["README.md: `storage/no_such_room.py` does not exist"]
    settings_problems = "\n".join(check_settings([page], commands, readme=page))
    assert "OKIENKO_NO_SUCH_SETTING" in settings_problems
    assert "OKIENKO_SECRET_KEY is not in storage/config.py" in settings_problems
    cli_problems = "\n".join(check_admin_cli_table(page))
    assert "`statz` is not a subcommand" in cli_problems
    assert "`purge` has no option --dry-run" in cli_problems
    assert "the subcommand `migrate` is missing" in cli_problems
