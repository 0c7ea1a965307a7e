"""Signature verification: the bad-input table, rotation, tolerance, and property tests."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lattice_stripe import (
    InvalidArgumentError,
    InvalidPayloadError,
    MalformedSignatureError,
    MissingSignatureError,
    NoMatchingSignatureError,
    SignatureVerificationError,
    StripeError,
    TimestampOutsideToleranceError,
    WebhookError,
    WebhookEvent,
    construct_event,
    generate_test_header,
)
from lattice_stripe._runtime.webhooks import events as webhooks
from lattice_stripe._runtime.webhooks.events import compute_signature, verify_header
from tests.webhooks.helpers import SECRET, charge_event, event_dict

# Headers below are signed at NOW, taken once at collection; the verifier's clock is held
# there too (`frozen_clock`), so no row depends on how long the suite takes to reach it.
NOW = int(time.time())
PAYLOAD = json.dumps(charge_event()).encode()
SIG = compute_signature(PAYLOAD, SECRET, NOW)
V0 = compute_signature(PAYLOAD, SECRET, NOW)  # a valid HMAC, but under the v0 scheme name
BIG = json.dumps(event_dict({"id": "cus_1", "object": "customer", "description": "x" * 5_000_000})).encode()
NON_UTF8 = b'{"type": "charge.succeeded", "data": {"object": {"x": "\xff\xfe"}}}'
OK = None

# (id, payload, header, expected error or None)
TABLE: list[tuple[str, bytes, Any, type[Exception] | None]] = [
    ("valid", PAYLOAD, f"t={NOW},v1={SIG}", OK),
    ("header as bytes", PAYLOAD, f"t={NOW},v1={SIG}".encode(), OK),
    ("no header", PAYLOAD, None, MissingSignatureError),
    ("empty header", PAYLOAD, "", MissingSignatureError),
    ("blank header", PAYLOAD, "  \t ", MissingSignatureError),
    ("no t=", PAYLOAD, f"v1={SIG}", MalformedSignatureError),
    ("empty t", PAYLOAD, f"t=,v1={SIG}", MalformedSignatureError),
    ("non-numeric t", PAYLOAD, f"t=abc,v1={SIG}", MalformedSignatureError),
    ("negative t", PAYLOAD, f"t=-{NOW},v1={SIG}", MalformedSignatureError),
    ("fractional t", PAYLOAD, f"t={NOW}.5,v1={SIG}", MalformedSignatureError),
    ("non-ASCII digits in t", PAYLOAD, f"t=١٢٣,v1={SIG}", MalformedSignatureError),
    ("100k-digit t", PAYLOAD, f"t={'9' * 100_000},v1={SIG}", MalformedSignatureError),
    ("not key=value", PAYLOAD, "garbage", MalformedSignatureError),
    ("empty key", PAYLOAD, f"t={NOW},={SIG}", MalformedSignatureError),
    ("semicolons", PAYLOAD, f"t={NOW};v1={SIG}", MalformedSignatureError),
    ("duplicated t (same)", PAYLOAD, f"t={NOW},t={NOW},v1={SIG}", MalformedSignatureError),
    ("duplicated t (different)", PAYLOAD, f"t={NOW},t={NOW - 1},v1={SIG}", MalformedSignatureError),
    ("duplicated v1, one good", PAYLOAD, f"t={NOW},v1={'0' * 64},v1={SIG}", OK),
    ("duplicated v1, same", PAYLOAD, f"t={NOW},v1={SIG},v1={SIG}", OK),
    ("only v0", PAYLOAD, f"t={NOW},v0={V0}", NoMatchingSignatureError),
    ("only t", PAYLOAD, f"t={NOW}", NoMatchingSignatureError),
    ("v0 and good v1", PAYLOAD, f"t={NOW},v0={V0},v1={SIG}", OK),
    ("unknown future scheme ignored", PAYLOAD, f"t={NOW},v9=zz,v1={SIG}", OK),
    ("space after comma", PAYLOAD, f"t={NOW}, v1={SIG}", OK),
    ("spaces around everything", PAYLOAD, f" t = {NOW} , v1 = {SIG} ", OK),
    ("tab and newline", PAYLOAD, f"t={NOW},\tv1={SIG}\n", OK),
    ("trailing comma", PAYLOAD, f"t={NOW},v1={SIG},", OK),
    ("space inside signature", PAYLOAD, f"t={NOW},v1={SIG[:10]} {SIG[10:]}", NoMatchingSignatureError),
    ("upper-case signature", PAYLOAD, f"t={NOW},v1={SIG.upper()}", NoMatchingSignatureError),
    ("non-ASCII signature", PAYLOAD, f"t={NOW},v1=é{SIG[1:]}", NoMatchingSignatureError),
    ("truncated signature", PAYLOAD, f"t={NOW},v1={SIG[:-1]}", NoMatchingSignatureError),
    ("leading zero on t", PAYLOAD, f"t=0{NOW},v1={SIG}", NoMatchingSignatureError),
    (
        "signed for another secret",
        PAYLOAD,
        generate_test_header(PAYLOAD, "whsec_other", NOW),
        NoMatchingSignatureError,
    ),
    ("body changed", PAYLOAD + b" ", f"t={NOW},v1={SIG}", NoMatchingSignatureError),
    ("5 MB payload", BIG, generate_test_header(BIG, SECRET, NOW), OK),
    ("5 MB payload, bad signature", BIG, f"t={NOW},v1={SIG}", NoMatchingSignatureError),
    ("non-UTF-8 bytes, signed", NON_UTF8, generate_test_header(NON_UTF8, SECRET, NOW), InvalidPayloadError),
    ("non-UTF-8 bytes, unsigned", NON_UTF8, f"t={NOW},v1={SIG}", NoMatchingSignatureError),
    ("empty body, signed", b"", generate_test_header(b"", SECRET, NOW), InvalidPayloadError),
    ("JSON array, signed", b"[]", generate_test_header(b"[]", SECRET, NOW), InvalidPayloadError),
    ("JSON object but no event", b"{}", generate_test_header(b"{}", SECRET, NOW), InvalidPayloadError),
    (
        "data.object not an object",
        b'{"type": "x", "data": {"object": "ch_1"}}',
        generate_test_header(b'{"type": "x", "data": {"object": "ch_1"}}', SECRET, NOW),
        InvalidPayloadError,
    ),
    (
        "deeply nested JSON",
        b"[" * 200_000,
        generate_test_header(b"[" * 200_000, SECRET, NOW),
        InvalidPayloadError,
    ),
    ("too old", PAYLOAD, generate_test_header(PAYLOAD, SECRET, NOW - 400), TimestampOutsideToleranceError),
    (
        "in the future",
        PAYLOAD,
        generate_test_header(PAYLOAD, SECRET, NOW + 86_400),
        TimestampOutsideToleranceError,
    ),
    ("t=0", PAYLOAD, generate_test_header(PAYLOAD, SECRET, 0), TimestampOutsideToleranceError),
]


@pytest.fixture(autouse=True, scope="module")
def frozen_clock() -> Iterator[None]:
    # Module scope: hypothesis refuses function-scoped fixtures around @given tests.
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(webhooks, "time", SimpleNamespace(time=lambda: float(NOW)))
        yield


def test_the_clock_is_held_at_collection_time() -> None:
    # What would happen without the fixture: the real clock has moved on by the tolerance.
    late = SimpleNamespace(time=lambda: time.time() + 301)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(webhooks, "time", late)
        with pytest.raises(TimestampOutsideToleranceError):
            construct_event(PAYLOAD, f"t={NOW},v1={SIG}", SECRET)
    assert isinstance(construct_event(PAYLOAD, f"t={NOW},v1={SIG}", SECRET), WebhookEvent)


@pytest.mark.parametrize(("payload", "header", "expected"), [t[1:] for t in TABLE], ids=[t[0] for t in TABLE])
def test_bad_input_table(payload: bytes, header: Any, expected: type[Exception] | None) -> None:
    if expected is None:
        assert isinstance(construct_event(payload, header, SECRET), WebhookEvent)
    else:
        with pytest.raises(expected) as info:
            construct_event(payload, header, SECRET)
        assert type(info.value) is expected
        assert isinstance(info.value, WebhookError) and info.value.message


def test_error_hierarchy() -> None:
    for cls in (MissingSignatureError, MalformedSignatureError, NoMatchingSignatureError):
        assert issubclass(cls, SignatureVerificationError)
    assert issubclass(TimestampOutsideToleranceError, SignatureVerificationError)
    assert issubclass(SignatureVerificationError, WebhookError) and issubclass(WebhookError, StripeError)
    assert issubclass(InvalidPayloadError, WebhookError) and issubclass(InvalidPayloadError, ValueError)
    assert not issubclass(InvalidPayloadError, SignatureVerificationError)


@pytest.mark.parametrize(
    "payload",
    [json.loads(PAYLOAD), PAYLOAD.decode(), [1], None, 123],
    ids=["parsed dict", "decoded str", "list", "None", "int"],
)
def test_payload_must_be_raw_bytes(payload: Any) -> None:
    with pytest.raises(InvalidArgumentError, match="raw request body"):
        construct_event(payload, f"t={NOW},v1={SIG}", SECRET)


def test_bytearray_and_memoryview_accepted() -> None:
    header = f"t={NOW},v1={SIG}"
    assert (
        construct_event(bytearray(PAYLOAD), header, SECRET).id
        == construct_event(memoryview(PAYLOAD), header, SECRET).id
    )


@pytest.mark.parametrize("secret", ["", [], [""], [SECRET, None], None, 123], ids=repr)
def test_bad_secret_is_a_programming_error(secret: Any) -> None:
    with pytest.raises(InvalidArgumentError, match="secret"):
        construct_event(PAYLOAD, f"t={NOW},v1={SIG}", secret)


def test_rotation_accepts_any_listed_secret_and_any_v1() -> None:
    old, new = "whsec_old", "whsec_new"
    header = f"t={NOW},v1={compute_signature(PAYLOAD, old, NOW)},v1={compute_signature(PAYLOAD, new, NOW)}"
    for secrets in ([new], [old], [old, new], (new, old), new):
        assert construct_event(PAYLOAD, header, secrets).type == "charge.succeeded"
    with pytest.raises(NoMatchingSignatureError):
        construct_event(PAYLOAD, header, ["whsec_third"])


def test_tolerance_both_directions() -> None:
    for offset in (-250, 250):
        construct_event(PAYLOAD, generate_test_header(PAYLOAD, SECRET, NOW + offset), SECRET)
    for offset in (-350, 350):
        with pytest.raises(TimestampOutsideToleranceError) as info:
            construct_event(PAYLOAD, generate_test_header(PAYLOAD, SECRET, NOW + offset), SECRET)
        assert info.value.tolerance == 300 and info.value.timestamp == NOW + offset
    header = generate_test_header(PAYLOAD, SECRET, NOW - 3600)
    construct_event(PAYLOAD, header, SECRET, tolerance=7200)
    construct_event(PAYLOAD, header, SECRET, tolerance=None)
    with pytest.raises(TimestampOutsideToleranceError):
        construct_event(PAYLOAD, header, SECRET, tolerance=0)
    with pytest.raises(InvalidArgumentError, match="tolerance"):
        construct_event(PAYLOAD, header, SECRET, tolerance=-1)


@pytest.mark.parametrize("offset", [-300, 300, -301, 301, 0])
def test_the_default_tolerance_is_exactly_300_seconds(offset: int) -> None:
    header = generate_test_header(PAYLOAD, SECRET, NOW + offset)
    if abs(offset) <= 300:
        assert construct_event(PAYLOAD, header, SECRET).type == "charge.succeeded"
    else:
        with pytest.raises(TimestampOutsideToleranceError) as info:
            construct_event(PAYLOAD, header, SECRET)
        assert (info.value.timestamp, info.value.tolerance) == (NOW + offset, 300)
    assert construct_event(PAYLOAD, generate_test_header(PAYLOAD, SECRET, NOW), SECRET, tolerance=0)


def test_signature_checked_before_timestamp() -> None:
    # an old delivery with a wrong signature says "no match", not "too old"
    with pytest.raises(NoMatchingSignatureError):
        construct_event(PAYLOAD, f"t=1,v1={SIG}", SECRET)


def test_generate_test_header_defaults_and_str_payload() -> None:
    header = generate_test_header(PAYLOAD.decode(), SECRET)
    t = int(header.split(",")[0].removeprefix("t="))
    assert t == NOW  # the clock the verifier reads
    assert header == f"t={t},v1={compute_signature(PAYLOAD, SECRET, t)}"
    assert generate_test_header(PAYLOAD, SECRET, 5, scheme="v0").startswith("t=5,v0=")


# -- properties -----------------------------------------------------------------------------

PROPS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
secrets = st.text(min_size=1, max_size=40)
payloads = st.binary(max_size=300)
timestamps = st.integers(min_value=0, max_value=10**12)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=8,
)
object_types = st.sampled_from(["charge", "invoice", "customer", "brand_new_thing"]) | json_values
objects = st.builds(
    lambda d, kind, deleted: {**d, "object": kind, **({"deleted": True} if deleted else {})},
    st.dictionaries(st.text(max_size=10), json_values, max_size=6),
    object_types,
    st.booleans(),
)
event_types = st.sampled_from(["charge.succeeded", "invoice.paid", "brand_new.event"]) | st.text(max_size=30)


@PROPS
@given(payload=payloads, secret=secrets, timestamp=timestamps)
def test_property_valid_headers_verify(payload: bytes, secret: str, timestamp: int) -> None:
    verify_header(payload, generate_test_header(payload, secret, timestamp), secret, tolerance=None)


@PROPS
@given(
    obj=objects,
    event_type=event_types,
    secret=secrets,
    prev=st.none() | st.dictionaries(st.text(), json_values),
)
def test_property_valid_events_verify_and_round_trip(
    obj: dict[str, Any], event_type: str, secret: str, prev: dict[str, Any] | None
) -> None:
    event = event_dict(obj, event_type)
    if prev is not None:
        event["data"]["previous_attributes"] = prev
    payload = json.dumps(event).encode()
    parsed = construct_event(payload, generate_test_header(payload, secret), [secret])
    assert parsed.to_dict() == json.loads(payload)
    assert parsed.type == event_type and parsed.data.previous_attributes == prev


def _mutations() -> st.SearchStrategy[Callable[[bytes, int, str], tuple[bytes, int | str, str]]]:
    def payload_change(i: int, b: int) -> Callable[[bytes, int, str], tuple[bytes, int | str, str]]:
        def f(p: bytes, t: int, s: str) -> tuple[bytes, int | str, str]:
            if not p:
                return bytes([b]), t, s
            j = i % len(p)
            new = p[:j] + bytes([(p[j] + 1 + b % 255) % 256]) + p[j + 1 :]
            return new, t, s

        return f

    def payload_append(b: bytes) -> Callable[[bytes, int, str], tuple[bytes, int | str, str]]:
        return lambda p, t, s: (p + b, t, s)

    def time_change(d: int) -> Callable[[bytes, int, str], tuple[bytes, int | str, str]]:
        return lambda p, t, s: (p, t + d if t + d >= 0 else t + abs(d) + 1, s)

    def sig_change(i: int, c: str) -> Callable[[bytes, int, str], tuple[bytes, int | str, str]]:
        def f(p: bytes, t: int, s: str) -> tuple[bytes, int | str, str]:
            j = i % len(s)
            return p, t, s[:j] + (c if c != s[j] else ("0" if s[j] != "0" else "1")) + s[j + 1 :]

        return f

    return st.one_of(
        st.builds(payload_change, st.integers(0, 10**6), st.integers(0, 255)),
        st.builds(payload_append, st.binary(min_size=1, max_size=5)),
        st.builds(time_change, st.integers(-(10**6), 10**6).filter(bool)),
        st.builds(sig_change, st.integers(0, 63), st.sampled_from("0123456789abcdefABCDEF")),
        st.just(lambda p, t, s: (p, f"0{t}", s)),
    )


@PROPS
@given(payload=payloads, secret=secrets, timestamp=timestamps, mutate=_mutations())
def test_property_any_change_fails(
    payload: bytes,
    secret: str,
    timestamp: int,
    mutate: Callable[[bytes, int, str], tuple[bytes, int | str, str]],
) -> None:
    signature = compute_signature(payload, secret, timestamp)
    new_payload, new_t, new_sig = mutate(payload, timestamp, signature)
    assert (new_payload, str(new_t), new_sig) != (payload, str(timestamp), signature)
    with pytest.raises(NoMatchingSignatureError):
        verify_header(new_payload, f"t={new_t},v1={new_sig}", secret, tolerance=None)


header_parts = st.sampled_from(
    ["t", "v1", "v0", "=", ",", " ", "\t", "t=", "v1=", str(NOW), SIG, "é", "-", "0"]
)
headers = st.one_of(
    st.none(),
    st.text(max_size=80),
    st.binary(max_size=80),
    st.lists(header_parts | st.text(max_size=5), max_size=12).map("".join),
)


@PROPS
@given(
    payload=st.one_of(payloads, st.just(PAYLOAD), st.just(b"[" * 5000)),
    header=headers,
    secret=st.one_of(secrets, st.just(SECRET), st.lists(secrets, min_size=1, max_size=3)),
    tolerance=st.one_of(st.none(), st.integers(0, 10**13)),
)
def test_property_only_documented_errors(
    payload: bytes, header: Any, secret: Any, tolerance: int | None
) -> None:
    for candidate in (header, f"t={NOW},v1={compute_signature(payload, SECRET, NOW)}"):
        try:
            event = construct_event(payload, candidate, secret, tolerance)
        except WebhookError:
            continue
        assert isinstance(event, WebhookEvent)
