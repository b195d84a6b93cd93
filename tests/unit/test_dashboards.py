"""The Grafana dashboards the Helm chart ships (helm/gridam/files/dashboards/*.json) are well-formed,
and every metric and label they and the alert rules query is one the code really exports: a renamed
metric or label fails here instead of leaving an empty panel or an alert that can never fire."""

from __future__ import annotations

import ast
import itertools
import json
import pathlib
import re
import shutil
import subprocess

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
FILES = ROOT / "helm" / "gridam" / "files"
DASHBOARDS = sorted((FILES / "dashboards").glob("*.json"))
RULE_FILES = sorted((FILES / "alerts").glob("*.rules.yml"))
RULE_TESTS = sorted((FILES / "alerts" / "tests").glob("*_test.yml"))
SOURCE_DIRS = [ROOT / "libs", ROOT / "gateway", ROOT / "services", ROOT / "gpu-worker"]

DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
PANEL_TYPES = {"row", "timeseries", "stat", "gauge", "bargauge", "table", "text"}
# Labels Prometheus adds to every scraped series (target labels of a ServiceMonitor scrape).
TARGET_LABELS = {"namespace", "job", "instance", "pod", "service", "container", "endpoint"}

# --- what the code exports ------------------------------------------------------------------------

METRIC_CLASSES = {"Counter", "Gauge", "Histogram", "Summary", "Info", "Enum"}


def _strings(node: ast.AST | None) -> list[str] | None:
    if isinstance(node, (ast.List, ast.Tuple)) and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
        return [e.value for e in node.elts]
    return None


def exported_metrics() -> dict[str, set[str]]:
    """Series names prometheus_client exposes for every metric defined in the services' code,
    mapped to their label names (prometheus_client's suffixes included)."""
    series: dict[str, set[str]] = {}
    for path in itertools.chain.from_iterable(d.rglob("*.py") for d in SOURCE_DIRS):
        if "tests" in path.parts or ".venv" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call):
                continue
            cls = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            if cls not in METRIC_CLASSES or not node.args:
                continue
            first = node.args[0]
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                continue  # collections.Counter() and the like
            name = first.value
            labels = _strings(node.args[2]) if len(node.args) > 2 else None
            for keyword in node.keywords:
                if keyword.arg == "labelnames":
                    labels = _strings(keyword.value)
            labels = set(labels or ())
            if cls == "Counter":
                base = name.removesuffix("_total")
                names = {f"{base}_total": labels, f"{base}_created": labels}
            elif cls == "Histogram":
                names = {f"{name}_bucket": labels | {"le"}, f"{name}_sum": labels, f"{name}_count": labels,
                         f"{name}_created": labels}
            elif cls == "Summary":
                names = {name: labels | {"quantile"}, f"{name}_sum": labels, f"{name}_count": labels,
                         f"{name}_created": labels}
            elif cls == "Info":
                names = {f"{name}_info": labels}
            else:
                names = {name: labels | ({name} if cls == "Enum" else set())}
            for series_name, series_labels in names.items():
                assert series_name not in series or series[series_name] == series_labels, f"{series_name} defined twice"
                series[series_name] = series_labels
    return series


EXPORTED = exported_metrics()
# Prometheus writes `up` itself for every target it scrapes (1 when the scrape worked), with the
# target labels only: the absence alerts read it.
EXPORTED["up"] = set()

# --- what a PromQL expression uses ----------------------------------------------------------------

KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "offset", "bool",
            "atan2", "inf", "nan"}
_STRING = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'')
_VARIABLE = re.compile(r"\$\{\w+\}|\$\w+")
_MATCHERS = re.compile(r"\{[^}]*\}")
_RANGE = re.compile(r"\[[^\]]*\]")
_LABEL_LIST = re.compile(r"\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)")
_WORD = re.compile(r"(?<![\w.:])[A-Za-z_:][\w:]*")
_SELECTOR = re.compile(r"(?<![\w.:])([A-Za-z_:][\w:]*)\s*\{([^}]*)\}")
_MATCHER_LABEL = re.compile(r"([A-Za-z_]\w*)\s*(?:=~|!~|!=|=)")
_RATE_ARG = re.compile(r"\b(rate|irate|increase)\s*\(\s*([A-Za-z_:][\w:]*)")


def metric_names(expr: str) -> set[str]:
    """Metric names an expression selects (functions, keywords and label names are not)."""
    text = _STRING.sub('""', expr)
    text = _VARIABLE.sub(" ", text)
    text = _MATCHERS.sub(" ", text)
    text = _RANGE.sub(" ", text)
    text = _LABEL_LIST.sub(" ", text)
    names = set()
    for match in _WORD.finditer(text):
        word = match.group(0)
        if text[match.end():].lstrip().startswith("(") or word.lower() in KEYWORDS:
            continue  # a function or an aggregation, or a keyword
        names.add(word)
    return names


def label_names(expr: str) -> set[str]:
    """Label names an expression matches on, groups by or joins on."""
    text = _STRING.sub('""', expr)
    labels = set()
    for _, matchers in _SELECTOR.findall(text):
        labels |= set(_MATCHER_LABEL.findall(matchers))
    for match in re.finditer(r"(?<![\w:])\{([^}]*)\}", text):  # {__name__=~"..."} style selectors
        labels |= set(_MATCHER_LABEL.findall(match.group(1)))
    for _, listed in _LABEL_LIST.findall(text):
        labels |= {label.strip() for label in listed.split(",") if label.strip()}
    return labels


def test_the_expression_parser_finds_metrics_and_labels():
    expr = (
        'sum by (namespace, le) (rate(foo_seconds_bucket{route!~"/a|/b", status=~"5.."}[$__rate_interval]))'
        ' / on (namespace) group_left bar_total offset 1h > bool 0.5'
        ' unless histogram_quantile(0.99, baz{namespace=~"$namespace"}) and time() - qux_timestamp_seconds > 1e3'
    )
    assert metric_names(expr) == {"foo_seconds_bucket", "bar_total", "baz", "qux_timestamp_seconds"}
    assert label_names(expr) == {"namespace", "le", "route", "status"}


def test_the_code_exports_the_metrics_we_know_of():
    # Guards the AST scan itself: if it stopped finding definitions, every check below would be vacuous.
    for name in ("grpc_server_handled_total", "grpc_server_handling_seconds_bucket", "http_server_requests_total",
                 "gridam_jobs_finished_total", "gridam_imagegen_rejected_total", "gridam_imagegen_queue_capacity",
                 "gridam_cdc_end_to_end_lag_seconds_bucket"):
        assert name in EXPORTED, name
    assert EXPORTED["grpc_server_handled_total"] == {"grpc_service", "grpc_method", "grpc_code"}
    assert EXPORTED["gridam_imagegen_rejected_total"] == {"reason"}


# --- the dashboards -------------------------------------------------------------------------------


def load(path: pathlib.Path) -> dict:
    return json.loads(path.read_text())


def panels(board: dict) -> list[dict]:
    out = []
    for panel in board["panels"]:
        out.append(panel)
        out.extend(panel.get("panels", []))  # panels inside collapsed rows
    return out


def dashboard_queries() -> list[tuple[str, str, str]]:
    """(dashboard file, where, PromQL) for every query a dashboard runs: panel targets and variables."""
    queries = []
    for path in DASHBOARDS:
        board = load(path)
        for panel in panels(board):
            for target in panel.get("targets", []):
                queries.append((path.name, f"panel {panel['title']!r} {target['refId']}", target["expr"]))
        for variable in board["templating"]["list"]:
            if variable["type"] == "query":
                query = variable["query"]["query"] if isinstance(variable["query"], dict) else variable["query"]
                assert variable.get("definition", query) == query, f"{path.name}: variable {variable['name']} shows another query"
                inner = re.fullmatch(r"label_values\((.+),\s*(\w+)\s*\)", query.strip())
                assert inner, f"{path.name}: variable {variable['name']} is not a label_values(metric, label) query"
                # As a query: the metric must exist and carry the label.
                selector, label = inner.groups()
                queries.append((path.name, f"variable {variable['name']}", f"sum by ({label}) ({selector})"))
    return queries


def test_there_are_dashboards():
    assert {path.name for path in DASHBOARDS} >= {"gridam-overview.json", "gridam-pipeline.json"}


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_dashboard_model(path):
    board = load(path)
    assert board.get("id") is None, "no numeric id: Grafana assigns it; the uid identifies the dashboard"
    assert re.fullmatch(r"[a-z0-9-]{1,40}", board["uid"]), board["uid"]
    assert board["title"].strip()
    assert 36 <= board["schemaVersion"] <= 41
    variables = {variable["name"]: variable for variable in board["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource" and variables["datasource"]["query"] == "prometheus"
    for variable in variables.values():
        if variable["type"] == "query":
            assert variable["datasource"] == DATASOURCE, variable["name"]


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_panels(path):
    board = load(path)
    all_panels = panels(board)
    ids = [panel["id"] for panel in all_panels]
    assert len(ids) == len(set(ids)), "panel ids must be unique"
    for panel in all_panels:
        where = f"{path.name}: panel {panel.get('title')!r}"
        assert panel["type"] in PANEL_TYPES, where
        assert panel.get("title", "").strip(), where
        grid = panel["gridPos"]
        assert all(isinstance(grid[k], int) and grid[k] >= 0 for k in ("x", "y", "w", "h")), where
        assert grid["w"] >= 1 and grid["h"] >= 1 and grid["x"] + grid["w"] <= 24, where
        if panel["type"] in ("row", "text"):
            continue
        assert panel["datasource"] == DATASOURCE, f"{where}: datasource must be the ${{datasource}} variable"
        targets = panel.get("targets", [])
        assert targets, f"{where}: no queries"
        ref_ids = [target["refId"] for target in targets]
        assert len(ref_ids) == len(set(ref_ids)), where
        for target in targets:
            assert target.get("datasource", DATASOURCE) == DATASOURCE, where
            assert target.get("expr", "").strip(), f"{where}: empty query"
            assert metric_names(target["expr"]), f"{where}: the query selects no metric"
    # Top-level panels must not overlap (panels inside collapsed rows are laid out when expanded).
    for a, b in itertools.combinations(board["panels"], 2):
        ga, gb = a["gridPos"], b["gridPos"]
        overlap = ga["x"] < gb["x"] + gb["w"] and gb["x"] < ga["x"] + ga["w"] and ga["y"] < gb["y"] + gb["h"] and gb["y"] < ga["y"] + ga["h"]
        assert not overlap, f"{path.name}: panels {a['title']!r} and {b['title']!r} overlap"


def test_uids_and_titles_are_unique_across_dashboards():
    boards = [load(path) for path in DASHBOARDS]
    uids = [board["uid"] for board in boards]
    titles = [board["title"] for board in boards]
    assert len(uids) == len(set(uids)) and len(titles) == len(set(titles))


def test_legends_name_labels_the_query_keeps():
    for path in DASHBOARDS:
        for panel in panels(load(path)):
            for target in panel.get("targets", []):
                used = set(re.findall(r"\{\{\s*(\w+)\s*\}\}", target.get("legendFormat", "")))
                grouped = set()
                for _, listed in _LABEL_LIST.findall(target["expr"]):
                    grouped |= {label.strip() for label in listed.split(",") if label.strip()}
                if re.match(r"\s*(sum|max|min|avg|count)\b", target["expr"]) or "histogram_quantile" in target["expr"]:
                    assert used <= grouped, f"{path.name}: {panel['title']!r} legend {used - grouped} is aggregated away"


def test_dashboard_queries_parse(tmp_path):
    # promtool 2.42 has no expression check, but `check rules` parses every rule's expression: give it
    # the dashboards' queries as recording rules, Grafana's variables replaced by plain values.
    binary = shutil.which("promtool")
    assert binary, "promtool missing: run `make system-deps` (Debian package prometheus)"
    rules = []
    for index, (_, _, expr) in enumerate(dashboard_queries()):
        plain = expr.replace("$__rate_interval", "5m").replace("$__interval", "1m").replace("$__range", "1h")
        plain = _VARIABLE.sub(".*", plain)
        rules.append({"record": f"gridam_dashboard:query_{index}", "expr": plain})
    rule_file = tmp_path / "dashboards.rules.yml"
    rule_file.write_text(yaml.safe_dump({"groups": [{"name": "dashboards", "rules": rules}]}))
    result = subprocess.run([binary, "check", "rules", str(rule_file)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(rules)} rules found" in result.stdout


# --- dashboards and alerts against the code -------------------------------------------------------


def alert_queries() -> list[tuple[str, str, str]]:
    queries = []
    for path in RULE_FILES:
        for group in yaml.safe_load(path.read_text())["groups"]:
            for rule in group["rules"]:
                queries.append((path.name, rule.get("alert") or rule.get("record"), rule["expr"]))
    return queries


def test_every_query_selects_metrics_the_code_exports_with_their_labels():
    problems = []
    for source, where, expr in dashboard_queries() + alert_queries():
        names = metric_names(expr)
        unknown = names - EXPORTED.keys()
        if unknown:
            problems.append(f"{source} {where}: unknown metric(s) {sorted(unknown)}")
            continue
        allowed = TARGET_LABELS | set().union(*(EXPORTED[name] for name in names)) if names else TARGET_LABELS
        extra = label_names(expr) - allowed
        if extra:
            problems.append(f"{source} {where}: label(s) {sorted(extra)} not on {sorted(names)}")
        for function, name in _RATE_ARG.findall(_STRING.sub('""', expr)):
            if not name.endswith(("_total", "_bucket", "_sum", "_count")):
                problems.append(f"{source} {where}: {function}() of {name}, which is no counter")
    assert not problems, "\n".join(problems)


def test_alert_unit_tests_feed_series_the_code_exports():
    # A promtool test that feeds a misspelt series tests an alert that will never see it.
    problems = []
    for path in RULE_TESTS:
        for test in yaml.safe_load(path.read_text())["tests"]:
            for series in test.get("input_series", []):
                match = re.fullmatch(r"([A-Za-z_:][\w:]*)(\{.*\})?", series["series"].strip())
                assert match, series["series"]
                name, labels = match.group(1), set(re.findall(r"(\w+)\s*=", match.group(2) or ""))
                if name not in EXPORTED:
                    problems.append(f"{path.name}: unknown metric {name}")
                elif labels - EXPORTED[name] - TARGET_LABELS:
                    problems.append(f"{path.name}: {name} has no label(s) {sorted(labels - EXPORTED[name] - TARGET_LABELS)}")
    assert not problems, "\n".join(problems)


def test_every_metric_an_alert_reads_is_on_a_dashboard():
    # Whoever gets paged should find the alert's numbers on a dashboard.
    on_dashboards = set().union(*(metric_names(expr) for _, _, expr in dashboard_queries()))
    alerted = set().union(*(metric_names(expr) for _, _, expr in alert_queries()))
    assert not alerted - on_dashboards, f"alerted on but on no dashboard: {sorted(alerted - on_dashboards)}"
