const timeFormat = new Intl.DateTimeFormat('en-US', {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  timeZoneName: 'short',
});

/** A time in the rep's own time zone (the browser's), named: "Dec 4, 2026, 11:06 AM EST". */
export const formatTime = (iso: string): string => timeFormat.format(new Date(iso));

const dayFormat = new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'short', day: 'numeric' });

/** A day in the rep's own time zone: "Dec 4, 2026". */
export const formatDay = (time: Date | string): string => dayFormat.format(new Date(time));
