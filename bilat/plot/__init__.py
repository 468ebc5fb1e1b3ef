"""Timeline charts (``bilat plot``): one chart per dyad and an overview with one lane per dyad,
each written as SVG and PNG.

How an event is drawn:

- x is time. The event type sets the marker and the colour; the status's phase sets the fill:
  filled for a realized step, hollow for an intention, hollow with a dashed edge and a cross
  (hatched, for bars) for a reversal (``geometry``).
- Only a day-precision event is a point. A month, a year or a range is a bar over
  ``[date_start, date_end + 1 day]``; an open side (no ``date_start`` or no ``date_end``) runs to
  the axis edge, fading out towards it, with no edge line there, so that it cannot be read as a
  start or an end (``geometry.bar_pieces``); the legend says so. ``geometry.event_geometry``
  gives the numbers the drawing uses.
- The x axis covers every known date, its margins kept within the years of the dates where they
  can be (wider only for an open bar to show), and the title states the years the axis covers
  (``geometry.x_limits``, ``geometry.span_text``).
- A dyad chart has one row per event, sorted like the events table, each labelled with its ID,
  date, type, status and a few words, so labels cannot overlap; a label goes right of its event,
  else left, else over its bar, else shortened, and always inside the axes; never over a point,
  and not over a hatched (reversed) bar while its head fits beside it, else on an opaque box.
  ``follows`` links are arrows from the earlier step to the later one. Above ``MAX_ROWS`` events,
  only the most recent ``MAX_ROWS`` get a row (on a time axis of their own), under a panel with
  every event of the dyad drawn unlabelled, one lane per event type, with the period of the rows
  shaded.
- The overview has one lane per dyad, with its event count under the heading ``events``. In the
  overview and the type lanes, events that overlap in time get rows of their own within their
  lane (``geometry.pack_rows``), which grows to hold them, up to ``MAX_SUBROWS`` rows; beyond that
  they share rows, paler, and the overview's title says so. Every mark stays within its lane.
  Many events are drawn with a few collections and compound paths, identical marks once.

Three modules, one per seam: ``geometry`` (pure numbers and styles), ``draw`` (matplotlib
figures) and ``files`` (SVG and PNG files, worker processes). Matplotlib is imported only when
drawing.
"""
