"""How the fake behaves where Stripe does more than store what it is sent: one module per
resource (``payments``, ``billing``, ``subscriptions``, ...), each registering its handlers
in ``registry``. They import the fake's state, refusals and cards, never the fake itself."""
