"""The clerk app's source never hands text to a place where Textual parses markup except as made
text (counter_tui/widgets/literal.py): read with `ast`, every module of counter_tui.

Where Textual reads a `str` as markup: a Static's or Label's content and `update()`, a Button's
or Checkbox's label, an OptionList option, a Select's options and prompt, a SelectionList's
options, a DataTable row, a tooltip. There a value may only be a string constant (the
programmer's own text), `literal()`, `markup()`, `shown()`, `visible()`, `stacked()`, a function
of the same module that returns only those, or a choice between them. And nowhere may an f-string,
`%` or `.format()` put a value into markup, nor Rich's `escape()` stand in for the rule (it leaves
control characters, and it is a habit, not a mechanism). Titles are not markup in Textual, but
take `visible()` so that no control character reaches the terminal through the header.

Each rule is shown failing on a line of the app as it was before issue 17 was fixed."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "counter_tui"
HELPERS = {"literal", "markup", "shown", "visible", "stacked"}
WIDGETS_FIRST_ARG = {"Static", "Label", "Button", "Checkbox", "Option", "RadioButton", "Switch"}
OPTION_LISTS = {"Select", "set_options", "add_options", "SelectionList", "OptionList"}
ATTRIBUTES = {"tooltip", "prompt", "title", "sub_title", "border_title", "border_subtitle"}
TAG = re.compile(r"\[/?[A-Za-z@#$]|\[/\]")


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


class Checker:
    def __init__(self, source: str, filename: str = "<source>") -> None:
        self.tree = ast.parse(source, filename)
        self.filename = filename
        self.problems: list[str] = []
        # Which function (or the module) each node is in, and what each local name is assigned there.
        self.scope_of: dict[ast.AST, ast.AST] = {}
        self.assigned: dict[ast.AST, dict[str, list[ast.expr]]] = {}
        self._index(self.tree, self.tree)
        self.safe_functions = self._safe_functions()

    def _index(self, node: ast.AST, scope: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            inner = child if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else scope
            self.scope_of[child] = scope
            if isinstance(child, ast.Assign):
                for target in child.targets:
                    self._record(scope, target, child.value)
            self._index(child, inner)

    def _record(self, scope: ast.AST, target: ast.expr, value: ast.expr) -> None:
        if isinstance(target, ast.Name):
            self.assigned.setdefault(scope, {}).setdefault(target.id, []).append(value)
        elif isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple) and len(target.elts) == len(value.elts):
            for t, v in zip(target.elts, value.elts, strict=True):
                self._record(scope, t, v)
        elif isinstance(target, ast.Tuple):  # unpacked from something we cannot see into
            for t in target.elts:
                self._record(scope, t, ast.Name(id="<unknown>"))

    def _values_of(self, name: ast.Name) -> list[ast.expr]:
        scope = self.scope_of.get(name, self.tree)
        return self.assigned.get(scope, {}).get(name.id, [])

    def _safe_functions(self) -> set[str]:
        """Functions of this module that return only made text (e.g. stats.right)."""
        safe: set[str] = set()
        for node in ast.walk(self.tree):
            if isinstance(node, ast.FunctionDef):
                returns = [r.value for r in ast.walk(node) if isinstance(r, ast.Return) and r.value is not None]
                if returns and all(self.allowed(value, safe) for value in returns):
                    safe.add(node.name)
        return safe

    def allowed(self, node: ast.expr, safe: set[str] | None = None) -> bool:
        safe = self.safe_functions if safe is None else safe
        if isinstance(node, ast.Constant):
            return isinstance(node.value, str | int | float) or node.value is None
        if isinstance(node, ast.Name | ast.Attribute) and _name(node).isupper():
            return True  # a constant of the module or class: the programmer's own text
        if isinstance(node, ast.Name):  # a local: allowed when everything assigned to it is
            values = self._values_of(node)
            return bool(values) and all(self.allowed(v, safe) for v in values if v is not node)
        if isinstance(node, ast.Call):
            name = _name(node.func)
            if name == "map" and node.args:  # *map(right, values)
                return _name(node.args[0]) in HELPERS | safe
            if name in {"Text", "Content"}:  # constant text; a value goes through literal()
                return bool(node.args) and isinstance(node.args[0], ast.Constant)
            if name == "center" and node.args:  # rich's Align.center(made text)
                return self.allowed(node.args[0], safe)
            return isinstance(node.func, ast.Name) and node.func.id in HELPERS | safe
        if isinstance(node, ast.IfExp):
            return self.allowed(node.body, safe) and self.allowed(node.orelse, safe)
        if isinstance(node, ast.Starred):
            return self.allowed(node.value, safe)
        if isinstance(node, ast.GeneratorExp | ast.ListComp):
            return self.allowed(node.elt, safe)
        return False

    def options_allowed(self, node: ast.expr) -> bool:
        """A list of (prompt, value[, selected]) whose prompts are allowed."""
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self.options_allowed(node.left) and self.options_allowed(node.right)
        if isinstance(node, ast.List):
            return all(self.option_allowed(item) for item in node.elts)
        if isinstance(node, ast.ListComp | ast.GeneratorExp):
            return self.option_allowed(node.elt)
        if isinstance(node, ast.Name | ast.Attribute) and _name(node).isupper():
            return True  # a constant list of the module: the programmer's own choices
        if isinstance(node, ast.Name):  # a list built above: judged by what was assigned to it
            values = self._values_of(node)
            if any(isinstance(v, ast.List) and not v.elts for v in values):  # filled by .append(Option(…))
                return True
            return bool(values) and all(self.options_allowed(v) for v in values)
        if isinstance(node, ast.Starred):
            return self.options_allowed(node.value)
        return False

    def option_allowed(self, node: ast.expr) -> bool:
        if isinstance(node, ast.Starred):
            return self.options_allowed(node.value)
        if isinstance(node, ast.Tuple) and node.elts:
            return self.allowed(node.elts[0])
        return self.allowed(node)

    def flag(self, node: ast.AST, what: str) -> None:
        self.problems.append(f"{self.filename}:{node.lineno}: {what}: {ast.unparse(node)[:100]}")

    def check(self) -> list[str]:
        for node in ast.walk(self.tree):
            if isinstance(node, ast.JoinedStr):
                literal_parts = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
                if TAG.search(literal_parts):
                    self.flag(node, "markup built from values by an f-string (use markup() with $variables)")
            elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
                if isinstance(node.left, ast.Constant) and TAG.search(str(node.left.value)):
                    self.flag(node, "markup built from values with % (use markup() with $variables)")
            elif isinstance(node, ast.ImportFrom) and node.module == "rich.markup":
                self.flag(node, "rich.markup in the app (text is made by widgets/literal.py)")
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Attribute) and target.attr in ATTRIBUTES and not self.allowed(node.value):
                        self.flag(node, f"{target.attr} set from an unmade value")
            elif isinstance(node, ast.Call):
                self.check_call(node)
        return self.problems

    def check_call(self, node: ast.Call) -> None:
        name = _name(node.func)
        if name == "format" and isinstance(node.func, ast.Attribute):
            if isinstance(node.func.value, ast.Constant) and TAG.search(str(node.func.value.value)):
                self.flag(node, "markup built from values with .format() (use markup() with $variables)")
        elif name in {"from_markup", "escape"}:
            self.flag(node, f"{name}() outside widgets/literal.py")
        elif name in {"Text", "Content"} and node.args and not isinstance(node.args[0], ast.Constant):
            self.flag(node, f"{name}() of a value (literal() shows its control characters)")
        elif name in WIDGETS_FIRST_ARG and node.args and not self.allowed(node.args[0]):
            self.flag(node, f"{name} given unmade text")
        elif name == "update" and isinstance(node.func, ast.Attribute) and len(node.args) == 1 and not node.keywords:
            if not self.allowed(node.args[0]):
                self.flag(node, "update() given unmade text")
        elif name == "add_row":
            for arg in node.args:
                if not self.allowed(arg):
                    self.flag(arg, "table cell given unmade text")
        elif name in OPTION_LISTS and node.args and not all(self.options_allowed(arg) for arg in node.args[:1]):
            self.flag(node, f"{name} options given unmade prompts")
        for keyword in node.keywords:
            made = self.allowed(keyword.value)
            if keyword.arg in {"prompt", "tooltip", "label"} and name in OPTION_LISTS | WIDGETS_FIRST_ARG and not made:
                self.flag(node, f"{keyword.arg}= given unmade text")


def problems_in(source: str) -> list[str]:
    return Checker(source).check()


def app_modules() -> list[Path]:
    """Every module of the app that draws with Textual or Rich (settings, validators and the PDF
    texts draw nothing; the PDFs take their own pass through the rule in printing/documents.py)."""
    return sorted(
        p
        for p in APP.rglob("*.py")
        if p.name != "literal.py" and re.search(r"^(from|import) (textual|rich)", p.read_text(encoding="utf-8"), re.M)
    )


def test_no_screen_widget_or_dialog_of_the_app_hands_unmade_text_to_markup():
    problems = []
    for path in app_modules():
        problems += Checker(path.read_text(encoding="utf-8"), str(path.relative_to(APP.parent))).check()
    assert not problems, "\n".join(problems)


# The app's own lines before the fix, each caught by one rule.
@pytest.mark.parametrize(
    "line",
    [
        'table.add_row(visit.local_time, visit.reference, visit.name or "–")',  # Wizyty: `Jan [/]` crashed it
        "self.add_row(flag, row.display_number, _fit(row.applicant_name, 21), key=row.number)",  # the worklist
        'summary.update(f"Wnioskodawca: [b]{d.applicant_name}[/b]")',  # the case summary
        'label.update(f"[b red]{message.error}[/]")',
        'ref = f", nr {d.external_ref}" if d.external_ref else ""\nsummary.update(ref)',
        'yield Static(self.question, classes="dialog-text")',
        'yield Select([(t.label["pl"], t.code) for t in catalog.case_types], prompt="wybierz…")',
        'select.set_options([(f"{t.local} (wolne: {t.free})", i) for i, t in enumerate(times)])',
        'options.append(Option(f"[b]{stage.label}[/b]", id=stage.code))',
        "self.tooltip = message.error",
        'self.sub_title = f"{clerk.full_name} ({clerk.login})"',
        "from rich.markup import escape",
        'email = f" · e-mail: {escape(d.email)}"',
        "cell = Text(item.note)",
        'text = "[b]%s[/b]" % name',
        'text = "[b]{}[/b]".format(name)',
    ],
)
def test_the_guard_catches_the_ways_text_reached_markup_before(line):
    assert problems_in(line)


@pytest.mark.parametrize(
    "line",
    [
        'table.add_row(literal(visit.name or "–"), literal(visit.reference))',
        'summary.update(markup("Wnioskodawca: [b]$name[/b]", name=d.applicant_name))',
        'yield Static("Zakończyć sprawę?", classes="dialog-title")',
        'yield Select([(literal(t.label["pl"]), t.code) for t in types] + [("Oddział: oba", "*")], prompt="wybierz…")',
        "yield Static(shown(self.question))",
        'self.sub_title = visible(f"Sprawa {number}")',
        "def right(v):\n    return literal(v, justify='right')\ntable.add_row(right(1), *map(right, (2, 3)))",
    ],
)
def test_the_guard_lets_made_text_through(line):
    assert problems_in(line) == []
