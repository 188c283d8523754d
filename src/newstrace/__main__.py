"""``python -m newstrace``. Guarded: ``--workers`` spawns processes that import this module as ``__mp_main__``."""

from newstrace.cli import main

if __name__ == "__main__":
    main()
