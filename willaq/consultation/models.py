"""Prior consultation processes under Law 29785: the measure, the peoples concerned, the seven
stages, agreements followed like commitments, linked cases."""
