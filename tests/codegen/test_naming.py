from __future__ import annotations

import pytest

from codegen.ir import naming
from codegen.ir.naming import CallPath, OperationFacts, infer_call_paths


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("amount", "amount"),
        ("from", "from_"),
        ("class", "class_"),
        ("match", "match"),  # soft keywords are valid names (and vary by Python version)
        ("type", "type"),
        ("some-key", "some_key"),
        ("3d_secure", "n3d_secure"),
        ("_private", "n_private"),
        ("to_dict", "to_dict_"),
        ("", "n"),
    ],
)
def test_identifier(name: str, expected: str) -> None:
    assert naming.identifier(name) == expected
    assert naming.identifier(name).isidentifier()


def test_class_and_module_names() -> None:
    assert naming.class_name("checkout.session", "line_items") == "CheckoutSessionLineItems"
    assert naming.module_name("deleted_terminal.reader") == "deleted_terminal_reader"
    got = naming.resource_class_names([("checkout", "sessions"), ("account",)], {"Account"})
    assert got == {("checkout", "sessions"): "CheckoutSessions", ("account",): "AccountResource"}


def test_unique_names_ranks_folded_names_and_skips_taken_ones() -> None:
    plain = {"issuing.card_pin": "IssuingCardPin", "issuing_card_pin": "IssuingCardPin", "pin": "Pin"}
    got = naming.unique_names(plain, lambda k: k != "issuing.card_pin")
    assert got == {"issuing.card_pin": "IssuingCardPin", "issuing_card_pin": "IssuingCardPin2", "pin": "Pin"}
    # a taken plain name is never handed out; numbering skips names other keys hold
    plain = {"a": "X", "b": "X", "c": "X2"}
    assert naming.unique_names(plain, str, taken={"X"}) == {"a": "X3", "b": "X4", "c": "X2"}


def _paths(*ops: tuple[str, str, bool, tuple[str, ...]]) -> dict[tuple[str, str], str]:
    facts = [OperationFacts(v, p, lst, objs) for v, p, lst, objs in ops]
    return {k: c.dotted for k, c in infer_call_paths(facts).paths.items()}


def test_call_paths_from_path_and_verb() -> None:
    got = _paths(
        ("get", "/v1/accounts", True, ()),
        ("post", "/v1/accounts", False, ("account",)),
        ("get", "/v1/accounts/{account}", False, ("account",)),
        ("post", "/v1/accounts/{account}", False, ("account",)),
        ("delete", "/v1/accounts/{account}", False, ("account",)),
        ("post", "/v1/accounts/{account}/reject", False, ("account",)),
        ("post", "/v1/accounts/{account}/login_links", False, ("login_link",)),
        ("get", "/v1/accounts/{account}/capabilities", True, ()),
        ("get", "/v1/accounts/{account}/capabilities/{capability}", False, ("capability",)),
        ("get", "/v1/customers/search", False, ("search_result",)),
        ("get", "/v1/customers", True, ()),
        ("get", "/v1/invoices", True, ()),
        ("get", "/v1/invoices/upcoming", False, ("invoice",)),
        ("get", "/v1/invoices/upcoming/lines", True, ()),
        ("get", "/v1/checkout/sessions/{session}", False, ("checkout.session",)),
        ("get", "/v1/tax/settings", False, ("tax.settings",)),
        ("post", "/v1/tax/settings", False, ("tax.settings",)),
        ("post", "/v1/test_helpers/issuing/cards/{card}/shipping/deliver", False, ("issuing.card",)),
        ("delete", "/v1/subscriptions/{subscription_exposed_id}", False, ("subscription",)),
    )
    assert got == {
        ("get", "/v1/accounts"): "accounts.list",
        ("post", "/v1/accounts"): "accounts.create",
        ("get", "/v1/accounts/{account}"): "accounts.retrieve",
        ("post", "/v1/accounts/{account}"): "accounts.update",
        ("delete", "/v1/accounts/{account}"): "accounts.delete",
        ("post", "/v1/accounts/{account}/reject"): "accounts.reject",
        ("post", "/v1/accounts/{account}/login_links"): "accounts.login_links.create",
        ("get", "/v1/accounts/{account}/capabilities"): "accounts.capabilities.list",
        ("get", "/v1/accounts/{account}/capabilities/{capability}"): "accounts.capabilities.retrieve",
        ("get", "/v1/customers/search"): "customers.search",
        ("get", "/v1/customers"): "customers.list",
        ("get", "/v1/invoices"): "invoices.list",
        ("get", "/v1/invoices/upcoming"): "invoices.upcoming",
        ("get", "/v1/invoices/upcoming/lines"): "invoices.upcoming_lines",
        ("get", "/v1/checkout/sessions/{session}"): "checkout.sessions.retrieve",
        ("get", "/v1/tax/settings"): "tax.settings.retrieve",
        ("post", "/v1/tax/settings"): "tax.settings.update",
        (
            "post",
            "/v1/test_helpers/issuing/cards/{card}/shipping/deliver",
        ): "test_helpers.issuing.cards.shipping_deliver",
        ("delete", "/v1/subscriptions/{subscription_exposed_id}"): "subscriptions.cancel",
    }


def test_operations_on_one_name_are_ranked_by_rule() -> None:
    # two spellings of one action, and an action named like a sub-resource
    got = _paths(
        ("get", "/v1/invoices/{invoice}", False, ("invoice",)),
        ("get", "/v1/invoices/upcoming/lines", True, ()),
        ("get", "/v1/invoices/upcoming_lines", False, ()),
        ("get", "/v1/things/{b}", False, ("thing",)),
        ("get", "/v1/things/{a}", False, ("thing",)),
        ("post", "/v1/things/{a}/parts", False, ("thing",)),
        ("get", "/v1/things/{a}/parts/{part}", False, ("part",)),
    )
    assert got[("get", "/v1/invoices/upcoming_lines")] == "invoices.upcoming_lines"  # the shorter path
    assert got[("get", "/v1/invoices/upcoming/lines")] == "invoices.upcoming_lines2"
    assert got[("get", "/v1/things/{a}")] == "things.retrieve"  # same length: by path
    assert got[("get", "/v1/things/{b}")] == "things.retrieve2"
    assert got[("get", "/v1/things/{a}/parts/{part}")] == "things.parts.retrieve"
    assert len(set(got.values())) == len(got)


def test_paths_that_cannot_be_named_are_all_reported() -> None:
    plan = infer_call_paths(
        [
            OperationFacts("get", "/v3/things", True, ()),
            OperationFacts("get", "/v1/{id}", False, ()),
            OperationFacts("get", "/v1/things", True, ()),
            OperationFacts("get", "/v2/core/things", True, ()),
        ]
    )
    assert [p.where for p in plan.problems] == ["GET /v3/things", "GET /v1/{id}"]
    assert "does not follow a resource" in plan.problems[1].what
    assert "naming.py" in plan.problems[0].fix
    assert {c.dotted for c in plan.paths.values()} == {"things.list", "v2.core.things.list"}


def test_call_path_dotted() -> None:
    assert CallPath(("checkout",), ("sessions",), "create").dotted == "checkout.sessions.create"
