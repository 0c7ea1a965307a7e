"""The fake's verdicts agree with Stripe's own mock server on a corpus across the surface.

Both get the same bytes: every operation with minimal valid arguments, then with an
unknown parameter, a missing required one, a wrong type, a bad enum value, a string over
its ``maxLength``, a hash where a list belongs, and ``""`` for a field that can be unset
(each where the operation has one). Same acceptance, same status, same ``param``.

stripe-mock's errors carry no ``param``; its message names the path of properties
(``object property 'shipping' validation failed: object property 'address' ...``), which
is what we compare. Allowed disagreements, each checked below:

- stripe-mock stops at a union (``anyOf``: ``created`` is an integer or a range hash;
  ``shipping`` is a hash or ``""``) and says only "could not validate against any of the
  constraints"; the fake names the field inside the branch that matches the value's
  shape (``created[gt]``, ``shipping[address]``), as Stripe does. Its path is then a
  prefix of ours.
- stripe-mock names no parameter for an unknown one ("additional properties are not
  allowed"); only the status is compared there.
- stripe-mock does not enforce ``maxLength``; Stripe does ("Invalid string: ...; must be at
  most 5000 characters"), and so does the fake: those probes are 400 here, 200 there.
- ``files.create`` is multipart to the files host; the corpus speaks form encoding.
"""

from __future__ import annotations

import re

import httpx

from lattice_stripe.testing import FakeStripe

from .corpus import corpus

HEADERS = {"Authorization": "Bearer sk_test_123"}
UNION = "could not validate against any of the constraints"


def _send(client: httpx.Client, method: str, path: str, form: str) -> httpx.Response:
    if method in ("GET", "DELETE"):
        return client.request(method, path + ("?" + form if form else ""), headers=HEADERS)
    headers = {**HEADERS, "Content-Type": "application/x-www-form-urlencoded"}
    return client.request(method, path, content=form.encode(), headers=headers)


def test_corpus_is_large_and_covers_the_surface() -> None:
    rows = corpus()
    assert len(rows) >= 500
    assert len({label.split(":")[0] for label, *_ in rows}) == 586  # every operation but files.create
    assert sum(1 for label, *_ in rows if label.endswith(":valid")) == 586
    kinds = {label.split(":")[1] for label, *_ in rows}
    assert kinds == {"valid", "unknown", "missing", "type", "enum", "too_long", "array", "unset"}


def test_fake_agrees_with_stripe_mock(stripe_mock: str) -> None:
    fake = FakeStripe(stateful=False)  # stripe-mock is stateless: any id is an object
    ours = httpx.Client(transport=fake.transport(), base_url="https://api.stripe.com")
    theirs = httpx.Client(base_url=stripe_mock, timeout=10)
    disagreements = []
    unions = too_long = 0
    for label, method, path, form, expected in corpus():
        a, b = _send(ours, method, path, form), _send(theirs, method, path, form)
        if label.endswith(":too_long") and (a.status_code, b.status_code) == (400, 200):
            assert a.json()["error"]["param"] == expected, label
            too_long += 1
            continue
        if a.status_code != b.status_code:
            disagreements.append((label, a.status_code, b.status_code, b.text[:200]))
            continue
        if b.status_code < 400:
            continue
        param = a.json()["error"]["param"]
        assert param == expected, label  # the fake names the mistake the probe made
        message = b.json()["error"]["message"]
        theirs_path = re.findall(r"object property '([^']+)'", message)
        ours_path = [p for p in re.split(r"[\[\]]+", param) if p and not p.isdigit()]
        if not theirs_path:
            assert "additional properties are not allowed" in message, label
        elif theirs_path != ours_path:
            unions += 1
            assert ours_path[: len(theirs_path)] == theirs_path and message.endswith(UNION), (label, message)
    assert disagreements == []
    assert too_long > 100
    assert unions < 100  # the union case stays the exception it is
