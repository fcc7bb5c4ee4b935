"""Schemathesis hooks for romt-hub (loaded through SCHEMATHESIS_HOOKS).

- A strategy for the hub's `JSON` scalar: documents close to a real kpi-report, and arbitrary JSON.
- The check `no_server_error`: a response is a server error when its HTTP status is 5xx or a
  GraphQL error carries `extensions.code = INTERNAL`. Schemathesis's own `not_a_server_error`
  counts every resolver error (a `VALIDATION_FAILED` for a generated empty id, a `FORBIDDEN`)
  as a server failure, which is the caller's mistake here, so CI runs this check instead.
- At exit, one summary line that `.ci/run` shows in its log.
"""

import atexit
import json
import threading

import graphql
import schemathesis
from hypothesis import strategies as st
from schemathesis.graphql import nodes

_lock = threading.Lock()
_seen = {"responses": 0, "server_errors": 0}


def _node(value):
    """A JSON value as a GraphQL literal."""
    if isinstance(value, dict):
        return nodes.Object(
            [
                graphql.ObjectFieldNode(name=graphql.NameNode(value=key), value=_node(item))
                for key, item in value.items()
            ]
        )
    if isinstance(value, list):
        return nodes.List([_node(item) for item in value])
    if isinstance(value, bool):
        return nodes.Boolean(value)
    if isinstance(value, int):
        return nodes.Int(value)
    if isinstance(value, float):
        return nodes.Float(value)
    if value is None:
        return nodes.Null
    return nodes.String(value)


_numbers = st.one_of(
    st.integers(min_value=-(10**18), max_value=10**18),
    st.floats(allow_nan=False, allow_infinity=False),
)
_report = st.fixed_dictionaries(
    {
        "documentType": st.sampled_from(["kpi-report", "bos", "other"]),
        "schemaVersion": st.sampled_from(["1.0", "1.1", "2.0"]),
        "country": st.sampled_from(["COL", "PER", "XXX", "col"]),
        "period": st.sampled_from(["2026-Q2", "2025-Q4", "2030-Q1", "2026Q2"]),
        "revision": st.integers(min_value=-1, max_value=5),
        "currency": st.sampled_from(["COP", "USD", "ZZZ"]),
        "values": st.lists(
            st.fixed_dictionaries(
                {"kpi": st.sampled_from(["CA", "ADMIN.CP.PCT", "CS.ACTIVE", "NOPE"]), "value": _numbers},
                optional={"denominator": _numbers, "commonService": st.text(max_size=8)},
            ),
            max_size=5,
        ),
    }
)
_any_json = st.recursive(
    st.none() | st.booleans() | _numbers | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
schemathesis.graphql.scalar("JSON", st.one_of(_report, _any_json).map(_node))
# Decimals travel as strings; some are not numbers, some are far out of bounds.
schemathesis.graphql.scalar(
    "Decimal",
    st.one_of(
        st.decimals(allow_nan=False, allow_infinity=False, places=6).map(str),
        st.sampled_from(["1e30", "-0", "70000000000000000000000000000", "abc", ""]),
    ).map(nodes.String),
)
schemathesis.graphql.scalar(
    "DateTime",
    st.one_of(
        st.datetimes().map(lambda d: d.isoformat() + "Z"),
        st.text(max_size=25),
    ).map(nodes.String),
)


@schemathesis.check
def no_server_error(ctx, response, case):
    """Fails on a 5xx answer or an INTERNAL GraphQL error."""
    internal = False
    try:
        body = json.loads(response.content or b"{}")
        errors = body.get("errors") or [] if isinstance(body, dict) else []
        internal = any((e.get("extensions") or {}).get("code") == "INTERNAL" for e in errors)
    except ValueError:
        pass
    failed = response.status_code >= 500 or internal
    with _lock:
        _seen["responses"] += 1
        _seen["server_errors"] += int(failed)
    if failed:
        raise AssertionError(f"server error: HTTP {response.status_code}: {response.content[:300]!r}")


@atexit.register
def _summary():
    print(
        f"schemathesis: {_seen['responses']} responses checked, "
        f"{_seen['server_errors']} server errors (5xx or INTERNAL)"
    )
