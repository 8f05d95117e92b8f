"""``sesspec sweep``'s harness: a client's releases, installed and run one by one, judged as
the report judges, collapsed into spans of the same wire behaviour (harness ring).

- :mod:`~sesspec.drivers.sweep.releases`: the releases and dates a registry lists;
- :mod:`~sesspec.drivers.sweep.plan`: which releases to run (samples, then bisection) and the
  spans (no I/O);
- :mod:`~sesspec.drivers.sweep.install`: one release into the per-user cache, with its
  dependencies as of its date;
- :mod:`~sesspec.drivers.sweep.harness`: one release run and judged;
- :mod:`~sesspec.drivers.sweep.history`: the history and its JSON, Markdown and HTML;
- :mod:`~sesspec.drivers.sweep.run`: one client swept, end to end.
"""
