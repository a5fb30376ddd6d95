"""The structure the README promises: no import cycle between modules (lazy imports included), the
CLI on top, the typed report read everywhere, one definition of each shared fact."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import voice_coach

PACKAGE = Path(voice_coach.__file__).parent


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Module -> the voice_coach modules it imports anywhere (top level or inside functions)."""
    modules = {_module(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("voice_coach"):
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names if a.name.startswith("voice_coach")]
            for t in targets:
                if t in modules and t != name:
                    graph[name].add(t)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        stack.append(m)
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                return stack[stack.index(n) :] + [n]
            if n not in state and (found := visit(n)):
                return found
        stack.pop()
        state[m] = 2
        return None

    for m in sorted(graph):
        if m not in state and (found := visit(m)):
            return found
    return None


def test_no_import_cycle():
    graph = import_graph()
    # a package's __init__ re-exporting its modules is not a dependency of those modules on it
    for m in graph:
        graph[m] = {n for n in graph[m] if not (m.startswith(n + ".") and n in ("voice_coach",))}
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])


# The packages (and the few modules at the top) from the bottom up: each imports only from the
# layers below it. Speech, the bank and audio under scoring; scoring under the interview and the
# history; the reports over the interview they render; the CLI on top. Evaluation sits beside the
# history: it speaks and records the answers it scores, so scoring itself never touches audio.
LAYERS = (
    ("errors",),
    ("units", "config", "tokens", "transcript", "private", "faults", "memory"),
    ("audio", "bank"),
    ("speech",),
    ("scoring",),
    ("history", "evaluation"),
    ("interview",),
    ("report",),
    ("api", "doctor"),
    ("web",),
    ("cli",),
    ("__main__",),
)


def package_graph() -> dict[str, set[str]]:
    """Package (or top-level module) -> the others it imports."""

    def unit(module: str) -> str:
        parts = module.split(".")
        return parts[1] if len(parts) > 1 else "voice_coach"

    out: dict[str, set[str]] = {}
    for module, deps in import_graph().items():
        out.setdefault(unit(module), set()).update(unit(d) for d in deps)
    for name, deps in out.items():
        deps.discard(name)
        deps.discard("voice_coach")  # the package's own __init__: the library's front door
    return out


def test_packages_import_one_way():
    rank = {name: i for i, layer in enumerate(LAYERS) for name in layer}
    graph = package_graph()
    unplaced = sorted(set(graph) - set(rank) - {"voice_coach"})
    assert unplaced == [], f"place {unplaced} in LAYERS"
    upward = sorted(
        f"{name} -> {dep}"
        for name, deps in graph.items()
        if name in rank
        for dep in deps
        if rank[dep] >= rank[name]
    )
    assert upward == [], upward


def test_the_cli_is_on_top():
    graph = import_graph()
    users = sorted(
        m for m, deps in graph.items() if "voice_coach.cli" in deps and m != "voice_coach.__main__"
    )
    assert users == [], f"{users} import the CLI"


def test_the_report_is_never_read_as_a_dict():
    """Readers use the typed AnswerReport: no report["..."] / report.get("...") outside to/from_dict."""
    pattern = re.compile(r"""\b(report|sub)(\[["']|\.get\()|\[["']report["']\]""")
    offenders = [
        f"{p.relative_to(PACKAGE)}:{n}"
        for p in PACKAGE.rglob("*.py")
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []


def test_shared_facts_are_defined_once():
    """STAR part names, the mm:ss format and the WAV header size each have one definition."""
    sources = {p: p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.py")}
    star_lists = [
        p.name for p, s in sources.items() if re.search(r"""["']situation["'],\s*["']task["']""", s)
    ]
    assert star_lists == ["model.py"], star_lists
    clocks = [p.name for p, s in sources.items() if re.search(r"%\s*60\s*:02d|:02d}", s)]
    assert clocks == ["units.py"], clocks
    headers = [p.name for p, s in sources.items() if re.search(r"(<=|\+)\s*44\b", s)]
    assert headers == [], headers
