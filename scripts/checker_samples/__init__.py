"""The checker samples that botocore signs, one module per rule family (``http``, ``enc``,
``param``, ``auth``) and the clean set (``clean``), on what ``common`` makes them of; written by
``scripts/gen_checker_samples.py``."""
