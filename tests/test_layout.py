"""The package's layout: its parts (a top-level module or subpackage each) import
one another without a cycle, the command line is imported by nothing but
``python -m sklearn_st``, and every module opens with what it is for."""

import ast
from pathlib import Path

import sklearn_st

ROOT = Path(sklearn_st.__file__).parent


def _part(module):
    """``cli`` for ``sklearn_st.cli._main``; ``export`` for ``sklearn_st.export``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports():
    """{part: set of parts it imports}, read from every module's import lines
    (function-level imports too)."""
    graph = {}
    for path in ROOT.rglob("*.py"):
        name = ".".join(("sklearn_st", *path.relative_to(ROOT).with_suffix("").parts))
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        if path.name == "__init__.py":
            name = name.removesuffix(".__init__")
            package = name
        mine = _part(name) if name != "sklearn_st" else "__init__"
        for node in ast.walk(ast.parse(path.read_text())):
            targets = []
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[
                        : len(package.split(".")) - node.level + 1
                    ]
                    base = ".".join(base + ([node.module] if node.module else []))
                else:
                    base = node.module or ""
                targets = [base]
                if node.module is None:  # from . import x: a module, or a name
                    targets = [
                        f"{base}.{alias.name}"
                        if (ROOT.parent / base.replace(".", "/") / alias.name).exists()
                        or (
                            ROOT.parent / base.replace(".", "/") / f"{alias.name}.py"
                        ).exists()
                        else base
                        for alias in node.names
                    ]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            for target in targets:
                if target.startswith("sklearn_st"):
                    other = _part(target) if target != "sklearn_st" else "__init__"
                    if other != mine:
                        graph.setdefault(mine, set()).add(other)
    return graph


def test_the_parts_import_each_other_without_a_cycle():
    graph = _imports()
    graph.get("__init__", set()).clear()  # its names load lazily, on first use
    state = {}

    def visit(part, path):
        if state.get(part) == "done":
            return
        assert state.get(part) != "open", f"import cycle: {' -> '.join(path)}"
        state[part] = "open"
        for other in sorted(graph.get(part, ())):
            visit(other, [*path, other])
        state[part] = "done"

    for part in sorted(graph):
        visit(part, [part])
    assert {"cli", "video", "datasets", "_facade", "nn"} <= set(graph)


def test_only_python_m_imports_the_command_line():
    importers = {part for part, others in _imports().items() if "cli" in others}
    assert importers == {"__main__"}
    # and the torch modules stand apart from scikit-learn code
    assert _imports()["nn"] == {"_dense_flow"}  # OpenCV's flow on NumPy frames


def test_every_module_says_what_it_is_for():
    for path in ROOT.rglob("*.py"):
        doc = ast.get_docstring(ast.parse(path.read_text()))
        assert doc, f"{path.relative_to(ROOT)} has no docstring"
        assert len(doc.split("\n\n")[0]) < 400, path  # one opening sentence or two
