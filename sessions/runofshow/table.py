"""Staff-only files made from an agenda (build_agenda): the run-of-show's rows for CSV.

Times and durations are written as the run-of-show page shows them, with the
same filters, so the printout and the spreadsheet agree to the minute.
"""

from common.formatting import and_join, clock, duration

RUN_OF_SHOW_COLUMNS = [
    "Start",
    "End",
    "Duration",
    "Elapsed",
    "Item",
    "Led by",
    "On stage",
    "Cue",
    "Technical notes",
    "Responsible",
]


def run_of_show_rows(agenda):
    """The run-of-show table as rows of text: gaps and milestones as on the page."""
    for item in agenda.items:
        if item.gap_before:
            gap = duration(item.gap_before)
            yield [clock(item.gap_from), clock(item.start), gap, "", f"Gap {gap}"]
        slot = item.slot
        yield [
            clock(item.start),
            clock(item.end),
            "Milestone" if item.is_milestone else duration(item.duration),
            duration(item.elapsed),
            slot.title,
            and_join(item.moderators),
            and_join(item.speakers),
            slot.cue,
            slot.tech_notes,
            slot.responsible,
        ]
    yield ["", "", duration(agenda.total), "", "Total planned length"]
