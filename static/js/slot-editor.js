/* The session's agenda editor in the admin (templates/admin/agenda/session/slot_inline.html).
 *
 * - Keeps each row's length and the gap (or overlap) after the rows above it
 *   current as times are typed; the server works out the same on every page.
 * - "+" adds a slot right after its row, starting when that row ends; "Add another
 *   slot" at the bottom starts the new slot where the last one ends.
 * - "Sort by time now" puts the rows in running order before saving (a moment
 *   before a slot that starts at the same minute), as the server does on save.
 * - Rows added in the middle are renumbered so that stored slots keep the first
 *   form numbers, as Django's formset expects; the server saves in time order.
 *
 * Django's inlines.js still adds and removes rows; this file only listens to it.
 */
"use strict";
(function () {
    const CLOCK = /^\s*(\d{1,2})(?:[:.h]?(\d{2}))?(?::\d{2})?\s*$/;

    function minutes(text) {
        const match = CLOCK.exec(text || "");
        if (!match) {
            return null;
        }
        let hours = Number(match[1]);
        let mins = match[2] === undefined ? 0 : Number(match[2]);
        if (match[2] === undefined && match[1].length > 2) {
            return null;
        }
        if (hours > 23 || mins > 59) {
            return null;
        }
        return hours * 60 + mins;
    }

    function clock(total) {
        const pad = (n) => String(n).padStart(2, "0");
        return pad(Math.floor(total / 60)) + ":" + pad(total % 60);
    }

    // As common/formatting.py's duration(): 35 min, 1 h, 1 h 05 min.
    function duration(total) {
        const hours = Math.floor(total / 60);
        const mins = total % 60;
        if (!hours) {
            return mins + " min";
        }
        return mins ? hours + " h " + String(mins).padStart(2, "0") + " min" : hours + " h";
    }

    function field(row, name) {
        return row.querySelector("[name$='-" + name + "']");
    }

    function rows(group) {
        return Array.from(group.querySelectorAll("tbody > tr.form-row")).filter(
            (row) => !row.classList.contains("empty-form"),
        );
    }

    function deleted(row) {
        const box = field(row, "DELETE");
        return box !== null && box.checked;
    }

    function updateTiming(group) {
        let previousEnd = null;
        for (const row of rows(group)) {
            const start = minutes(field(row, "start").value);
            const endText = field(row, "end").value;
            const end = minutes(endText);
            const length = row.querySelector(".slot-length");
            const gap = row.querySelector(".slot-gap");
            let lengthText = "";
            let gapText = "";
            if (start !== null && endText.trim() === "") {
                lengthText = "moment";
            } else if (start !== null && end !== null) {
                lengthText = end > start ? duration(end - start) : "ends before it starts";
            }
            gap.classList.remove("is-overlap");
            if (start !== null && previousEnd !== null && !deleted(row)) {
                if (start > previousEnd) {
                    gapText = "gap " + duration(start - previousEnd);
                } else if (start < previousEnd) {
                    gapText = "overlap " + duration(previousEnd - start);
                    gap.classList.add("is-overlap");
                }
            }
            length.textContent = lengthText;
            gap.textContent = gapText;
            if (start !== null && !deleted(row)) {
                const last = end !== null && end > start ? end : start;
                previousEnd = previousEnd === null ? last : Math.max(previousEnd, last);
            }
        }
    }

    // Stored slots first, then new ones, each in the order shown: a stored slot must
    // keep a form number below INITIAL_FORMS, whatever the row's place on screen.
    function renumber(group, prefix) {
        const all = rows(group);
        const ordered = all
            .filter((row) => row.classList.contains("has_original"))
            .concat(all.filter((row) => !row.classList.contains("has_original")));
        const pattern = new RegExp("(" + prefix + "-(\\d+|__prefix__))");
        ordered.forEach(function (row, index) {
            const replacement = prefix + "-" + index;
            for (const element of [row, ...row.querySelectorAll("*")]) {
                for (const attribute of ["id", "name", "for"]) {
                    const value = element.getAttribute(attribute);
                    if (value && pattern.test(value)) {
                        element.setAttribute(attribute, value.replace(pattern, replacement));
                    }
                }
            }
        });
    }

    function endOf(row) {
        const end = minutes(field(row, "end").value);
        const start = minutes(field(row, "start").value);
        if (end !== null) {
            return end;
        }
        return start;
    }

    // select2's typing box in each people cell has no name of its own: give it the
    // column's heading ("Led by", "On stage"), again whenever select2 redraws it.
    function namePeopleBoxes(group) {
        for (const name of ["moderators", "speakers"]) {
            const heading = document.getElementById("slots-col-" + name);
            group.querySelectorAll(".field-" + name + " .select2-search__field").forEach(
                (box) => box.setAttribute("aria-label", heading.textContent.trim()),
            );
        }
    }

    // The rows in running order: by start, a moment (no end) first, then by end;
    // rows without a readable start stay last. A row's error line moves with it.
    function sortByTime(group) {
        const body = group.querySelector("tbody");
        const empty = body.querySelector("tr.empty-form");
        const key = (row) => {
            const start = minutes(field(row, "start").value);
            const endText = field(row, "end").value.trim();
            const end = endText === "" ? -1 : minutes(endText);
            return [start === null ? Infinity : start, end === null ? Infinity : end];
        };
        const sorted = rows(group)
            .map((row, index) => ({ row, index, key: key(row) }))
            .sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || a.index - b.index);
        for (const { row } of sorted) {
            const errors = row.previousElementSibling;
            if (errors && errors.classList.contains("row-form-errors")) {
                body.insertBefore(errors, empty);
            }
            body.insertBefore(row, empty);
        }
        updateTiming(group);
    }

    function init(group) {
        const prefix = JSON.parse(group.dataset.inlineFormset).options.prefix;
        let insertAfter = null;

        group.addEventListener("input", function (event) {
            if (event.target.matches(".slot-clock")) {
                updateTiming(group);
            }
        });
        group.addEventListener("change", function (event) {
            if (event.target.matches("[name$='-DELETE']")) {
                updateTiming(group);
            }
        });
        const sort = group.querySelector(".slot-sort");
        if (sort) {
            sort.hidden = false; // a button that needs this script appears with it
            sort.addEventListener("click", () => sortByTime(group));
        }
        group.addEventListener("click", function (event) {
            const button = event.target.closest(".slot-add-after");
            if (!button) {
                return;
            }
            event.preventDefault();
            const addLink = group.querySelector(".add-row a");
            if (!addLink) {
                return;
            }
            insertAfter = button.closest("tr.form-row");
            addLink.click(); // inlines.js clones the empty row; formset:added follows
        });

        document.addEventListener("formset:added", function (event) {
            if (event.detail.formsetName !== prefix) {
                return;
            }
            const row = event.target;
            const all = rows(group);
            const before = insertAfter || all[all.indexOf(row) - 1] || null;
            if (insertAfter) {
                insertAfter.after(row);
                renumber(group, prefix);
                row.classList.add("slot-added");
            }
            insertAfter = null;
            const previous = before ? endOf(before) : null;
            const start = field(row, "start");
            if (previous !== null && start.value === "") {
                start.value = clock(previous);
            }
            updateTiming(group);
            field(row, "title").focus();
        });
        document.addEventListener("formset:removed", function (event) {
            if (event.detail.formsetName === prefix) {
                // Django's inline script numbers the rows again right after this
                // event, in its own order: number them ours once it has done so.
                setTimeout(function () {
                    renumber(group, prefix);
                    updateTiming(group);
                }, 0);
            }
        });
        updateTiming(group);
        namePeopleBoxes(group);
        new MutationObserver(() => namePeopleBoxes(group)).observe(group, {
            childList: true,
            subtree: true,
        });
    }

    // Leaving the page by a link (Publish, History, Paste agenda ...) with edits not
    // saved: the browser asks first, instead of dropping what was typed.
    function guardUnsavedEdits(form) {
        let edited = false;
        let saving = false;
        form.addEventListener("input", function () {
            edited = true;
        });
        form.addEventListener("change", function () {
            edited = true;
        });
        form.addEventListener("submit", function () {
            saving = true;
        });
        window.addEventListener("beforeunload", function (event) {
            if (edited && !saving) {
                event.preventDefault();
                event.returnValue = "";
            }
        });
    }

    function start() {
        document.querySelectorAll(".slot-editor.js-inline-admin-formset").forEach(init);
        const form = document.getElementById("session_form");
        if (form) {
            guardUnsavedEdits(form);
        }
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
})();
