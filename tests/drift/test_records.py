"""The comparison of typed surface records: every kind of record change, named by its record."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from codegen import drift
from codegen.surface import Alias, Fields, Member, Operation, Surface

ACCOUNT = Member("Account", required=True, attr="account")
STATUS = Member("Literal", frozenset({"active", "inactive"}), required=True, attr="status")
REJECT = Operation(
    "POST /v1/accounts/{}/reject", ("account",), "Account", {"reason": Member("str", required=True)}
)
BASE = Surface(
    resources={"accounts": "Accounts"},
    operations={"accounts.reject": REJECT},
    api_version="2023-08-16",
    params={"accounts": {"AccountsCreateParamsCompany": Fields({"name": Member("str")})}},
    models={
        "capability": {"Capability": Fields({"status": STATUS, "account": ACCOUNT}), "Any": Alias("A | B")}
    },
)


def edit(**changes: Any) -> Surface:
    return attrs.evolve(BASE, **changes)


def capability(**fields: Member) -> dict[str, dict[str, Fields | Alias]]:
    return {
        "capability": {
            "Capability": Fields({"status": STATUS, "account": ACCOUNT, **fields}),
            "Any": Alias("A | B"),
        }
    }


CASES = [
    (
        edit(api_version="2024-01-01"),
        ("changed", "api version", "api_version", "2023-08-16 -> 2024-01-01", False),
    ),
    (
        edit(resources={"accounts": "Accounts2"}),
        ("changed", "resource", "accounts", "Accounts -> Accounts2", True),
    ),
    (edit(resources={}), ("removed", "resource", "accounts", "Accounts", True)),
    (
        edit(operations={}),
        ("removed", "operation", "accounts.reject", "POST /v1/accounts/{account}/reject", True),
    ),
    (
        edit(operations={"accounts.reject": Operation(REJECT.http, ("id",), "Account", REJECT.params)}),
        ("changed", "operation", "accounts.reject path_params", "account -> id", True),
    ),
    (
        edit(
            operations={
                "accounts.reject": Operation(REJECT.http, ("account",), "Account | None", REJECT.params)
            }
        ),
        ("changed", "operation", "accounts.reject returns", "Account -> Account | None", True),
    ),
    (
        edit(operations={"accounts.reject": attrs.evolve(REJECT, api="v2")}),
        ("changed", "operation", "accounts.reject api", "v1 -> v2", True),  # JSON bodies, v2 errors
    ),
    (
        edit(operations={"accounts.reject": Operation(REJECT.http, ("account",), "Account", {})}),
        ("removed", "param", "accounts.reject(reason)", "str", True),
    ),
    (edit(params={}), ("removed", "params module", "accounts", "AccountsCreateParamsCompany", True)),
    (
        edit(params={"accounts": {}}),
        ("removed", "params type", "AccountsCreateParamsCompany", "in params/accounts.py", True),
    ),
    (
        edit(
            params={
                "accounts": {
                    "AccountsCreateParamsCompany": Fields(
                        {"name": Member("str"), "tax_id": Member("str", required=True)}
                    )
                }
            }
        ),
        ("added", "param key", "AccountsCreateParamsCompany['tax_id']", "str", True),  # a new required key
    ),
    (
        edit(models=capability(country=Member("str", attr="country"))),
        ("added", "field", "Capability.country", "str", False),
    ),
    (
        edit(
            models={
                "capability": {
                    "Capability": Fields(
                        {"status": STATUS, "account": Member("Account", required=True, attr="acct")}
                    ),
                    "Any": Alias("A | B"),
                }
            }
        ),
        ("changed", "field", "Capability.account attr", "account -> acct", True),
    ),
    (
        edit(
            models={
                "capability": {
                    "Capability": Fields(
                        {
                            "status": Member("Literal", frozenset({"active"}), required=True, attr="status"),
                            "account": ACCOUNT,
                        }
                    ),
                    "Any": Alias("A | B"),
                }
            }
        ),
        ("removed", "enum value", "Capability.status", "inactive", True),
    ),
    (
        edit(
            models={
                "capability": {
                    "Capability": Fields({"status": STATUS, "account": ACCOUNT}),
                    "Any": Alias("A | B | C"),
                }
            }
        ),
        ("changed", "alias", "Any", "A | B -> A | B | C", True),  # readers may now meet a C
    ),
    (
        edit(models={"capability": {"Capability": Alias("A | B"), "Any": Alias("A | B")}}),
        ("changed", "class", "Capability", "class -> alias of A | B", True),
    ),
]


@pytest.mark.parametrize(("new", "expected"), CASES)
def test_each_record_change_is_classified_by_its_record(new: Surface, expected: tuple[object, ...]) -> None:
    (change,) = drift.diff(BASE, new)
    assert (change.action, change.kind, change.where, change.detail, change.breaking) == expected


@pytest.mark.parametrize(("new", "expected"), CASES)
def test_the_reverse_diff_is_the_same_change_seen_from_the_other_side(
    new: Surface, expected: tuple[object, ...]
) -> None:
    (change,) = drift.diff(new, BASE)
    flipped = {"added": "removed", "removed": "added", "changed": "changed"}
    assert (change.action, change.kind) == (flipped[str(expected[0])], expected[1])
    assert drift.diff(BASE, BASE) == []
