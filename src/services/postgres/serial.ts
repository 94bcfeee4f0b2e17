// Runs async jobs one after another. A database connection runs one statement at a time, and
// a transaction must hold the connection from BEGIN to COMMIT.
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T>): Promise<T> {
    const next = this.tail.then(job, job);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
