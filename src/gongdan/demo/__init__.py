"""Demo and benchmark data: ``seed_demo``, ``seed_bench`` and the bilingual content they share.

The top of the app graph: it writes through every domain app's services, and nothing imports it
(except tests and ``bench/``). A real install never needs it; it has no models.
"""
