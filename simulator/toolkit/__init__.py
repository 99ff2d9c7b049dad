"""The test toolkit: scripted faults, rate limits, the request journal and verification, for every vendor."""
