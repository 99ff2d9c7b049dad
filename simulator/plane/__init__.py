"""What the control plane (simulator/control) and the vendors' own control endpoints (vendors/<vendor>/control.py)
share, below both: the control plane's error shape and how a control request names its sandbox and body."""
