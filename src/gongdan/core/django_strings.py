"""Django's own strings that its zh-Hans catalogue does not translate (yet).

``makemessages`` extracts them from here into our catalogue, which is translated by hand and takes
precedence over Django's (``LOCALE_PATHS``). Example: the empty choice of a select,
``django.db.models.fields.BLANK_CHOICE_LABEL``, new in Django 6.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

MISSING_IN_DJANGO = (gettext_noop("- Select an option -"),)
