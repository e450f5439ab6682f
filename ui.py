"""The web chat's entry point: ``python ui.py`` (also ``assistant serve`` and ``make run``).

The page lives in :mod:`webchat.app`, its HTML in :mod:`webchat.render`, the votes in
:mod:`webchat.feedback`; this file only starts it.
"""

from __future__ import annotations

from webchat.app import main

if __name__ == "__main__":
    main()
