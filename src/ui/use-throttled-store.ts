// Subscribes to the deck store, re-rendering at most once per `ms` (leading and trailing): under a
// flood of events the panes redraw a few times a second instead of on every flush, while keys
// (the UI store) still redraw at once. Each full frame of Ink costs megabytes of short-lived
// garbage, so fewer frames is what keeps memory and CPU flat at thousands of events a second.
import { useEffect, useState } from 'react';
import type { StoreApi } from 'zustand/vanilla';

export function useThrottledStore<T>(store: StoreApi<T>, ms: number): T {
  const [state, setState] = useState(store.getState);
  useEffect(() => {
    let last = 0;
    let timer: NodeJS.Timeout | undefined;
    const apply = (): void => {
      timer = undefined;
      last = Date.now();
      setState(store.getState());
    };
    const unsubscribe = store.subscribe(() => {
      if (timer) return;
      const wait = last + ms - Date.now();
      if (wait <= 0) apply();
      else timer = setTimeout(apply, wait);
    });
    // A change between the first render and the subscription.
    if (store.getState() !== state) apply();
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
    // The subscription is made once per store; `state` is only read to catch up.
  }, [store, ms]);
  return state;
}
