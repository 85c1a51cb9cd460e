"""Step 2, Verwerken (with the topics): perception of each signal — compliment, neutraal or klacht.

:mod:`.model` learns it from KTO scores (weak labels) and hand labels and writes ``signal_perception``.
"""
