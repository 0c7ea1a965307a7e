"""Objects: what a Stripe response becomes.

Model base classes and their compiled structurers (``models``), shapes that turn JSON values
into Python values with the one ``object`` dispatch (``shapes``), list and search pages
(``pages``), the cattrs converter (``convert``), a call's HTTP metadata (``response``) and the
masking of secrets in text (``secrets``).

Imports only the top level (``errors``, ``version``): nothing of HTTP, webhooks or testing.
"""
