"""Working calendars and business-time arithmetic.

Pure Python (no Django import): French public holidays come from the ``holidays``
package, a body's own closed days are passed in. Every deadline unit of the
nomenclature is computed here.
"""

from worktime.calendar import DeadlineUnit, WorkCalendar, add_deadline, elapsed_share, working_seconds

__all__ = ["DeadlineUnit", "WorkCalendar", "add_deadline", "elapsed_share", "working_seconds"]
