"""The baselines the engine is measured against: the floor, the plain pipeline and the peer."""
