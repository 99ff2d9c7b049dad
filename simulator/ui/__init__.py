"""The dashboard at /_sim/ui/: see and steer a sandbox in the browser.

Server-rendered Jinja2 pages over the JSON control plane's own endpoints (called in process, see calls.py), with
two small JavaScript modules: one copies values, one keeps the journal live over server-sent events. No build
step, nothing from a CDN. ``Dashboard`` (mount.py) is the ASGI middleware the app puts in front of everything.
"""
