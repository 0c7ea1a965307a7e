"""What ``overrides/`` provides, as data the generator and the drift check read.

Stable interface. The generator (``codegen/ir/overrides.py``) reads this module, never the
guard modules' code paths, so it only imports attrs and the standard library. Each record
names spec things (call paths, parameters, component schemas); one the spec lacks is a
generation error, and a spec change under a :class:`ParamOverride` makes the drift check
report the guard as needing review.
"""

from __future__ import annotations

import hashlib

import attrs


def description_sha256(description: str | None) -> str:
    """Fingerprint of a parameter's description text exactly as the spec has it."""
    return hashlib.sha256((description or "").encode("utf-8")).hexdigest()


def _literal(allowed: tuple[str, ...]) -> str:
    return "Literal[" + ", ".join(f'"{v}"' for v in allowed) + "]"


@attrs.frozen(kw_only=True)
class ParamOverride:
    """A parameter whose generated annotation is narrowed, and a guard enforces the narrowing."""

    call_path: str  # as reached from the client: "accounts.reject"
    param: str  # wire name: "reason"
    allowed: tuple[str, ...]  # what the guard accepts
    api_version: str  # the spec version `allowed` was reviewed against
    spec_annotation: str  # what the spec alone implies (the generator would print this)
    spec_description_sha256: str  # description_sha256() of the param's description in that spec
    annotation: str = attrs.field(
        default=attrs.Factory(lambda self: _literal(self.allowed), takes_self=True)
    )  # what the generated signature shows instead of `spec_annotation`
    why: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.call_path, self.param)


@attrs.frozen
class ResourceGuards:
    """Guard mixins placed in front of a generated resource class.

    ``lattice_stripe.overrides.<module>`` defines ``<Class>Guards`` and ``Async<Class>Guards``
    (``<Class>`` is the generated class, e.g. ``Accounts``); their public methods wrap the
    generated methods of the same name and call ``super()``.
    """

    resource: str  # as reached from the client: "accounts", "accounts.login_links"
    module: str
    api_version: str | None = None  # the spec version it was reviewed against (None: the pinned one)


@attrs.frozen
class ModelMixin:
    """A helper mixin placed in front of a generated model: ``<Class>Mixin`` in ``module``."""

    schema: str  # component schema name: "capability"
    module: str
    api_version: str | None = None  # as for ResourceGuards


@attrs.frozen
class Registry:
    params: tuple[ParamOverride, ...] = ()
    resources: tuple[ResourceGuards, ...] = ()
    models: tuple[ModelMixin, ...] = ()


PARAM_OVERRIDES: tuple[ParamOverride, ...] = (
    ParamOverride(
        call_path="accounts.reject",
        param="reason",
        allowed=("fraud", "terms_of_service", "other"),
        api_version="2026-05-27.dahlia",  # reviewed again: type and description as in 2023-08-16
        spec_annotation="str",
        # "The reason for rejecting the account. Can be `fraud`, `terms_of_service`, or `other`."
        spec_description_sha256="0ea3651f0d892822f18f292228b7ba075a90b7f3cee8cd5cfc3f9489e4962dcb",
        why="the spec types reason as a free string and lists the values only in prose",
    ),
)

RESOURCE_GUARDS: tuple[ResourceGuards, ...] = (
    ResourceGuards("accounts", "accounts"),
    ResourceGuards("invoices", "billing"),
    ResourceGuards("subscriptions", "billing"),
    ResourceGuards("subscription_items", "billing"),
)

MODEL_MIXINS: tuple[ModelMixin, ...] = (
    ModelMixin("capability", "capabilities"),
    ModelMixin("account_capabilities", "capabilities"),
)

REGISTRY = Registry(PARAM_OVERRIDES, RESOURCE_GUARDS, MODEL_MIXINS)
