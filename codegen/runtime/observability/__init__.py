"""Observability: stdlib logging and user hooks (``observe``), OpenTelemetry spans (``tracing``).

A leaf the client and the webhook router call into; it imports only the top level and
``objects``, and loads OpenTelemetry on the first traced call.
"""
