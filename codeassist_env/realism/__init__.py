"""The simulated programmer held against real programmers: real decision logs (``logs``), acceptance by
suggestion length and the realism gap (``curve``), and the model of what a suggestion is worth taking,
fitted on real decisions (``worth``). docs/realism.md tells the whole story."""
