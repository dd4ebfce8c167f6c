/** The current day and month of the server's time zone, as instants; worked out again only when one ends. */
export class Calendar {
  dayStart = 0;
  dayEnd = 0;
  monthStart = 0;
  monthEnd = 0;

  at(now: number): this {
    if (now >= this.dayStart && now < this.dayEnd) return this;
    const d = new Date(now);
    const [y, m] = [d.getFullYear(), d.getMonth()];
    this.dayStart = new Date(y, m, d.getDate()).getTime();
    this.dayEnd = new Date(y, m, d.getDate() + 1).getTime();
    this.monthStart = new Date(y, m, 1).getTime();
    this.monthEnd = new Date(y, m + 1, 1).getTime();
    return this;
  }
}
