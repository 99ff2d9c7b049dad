"""What the control plane (simulator/control), the dashboard (simulator/ui) and the vendors' own control endpoints
and panels (vendors/<vendor>/control.py, panel.py) share, below all three: the control plane's error shape, how a
control request names its sandbox and body, calling a control endpoint in process, and what a panel is made of."""
