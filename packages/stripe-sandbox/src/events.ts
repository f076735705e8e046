/** /v1/events: list (type, types[], created, pagination) and retrieve. */
import type { Ctx } from './context.js';
import { createdFilter, pageFromStore, paginate } from './lists.js';
import { invalid, type Obj } from './wire.js';

function typeMatcher(pattern: string): (t: string) => boolean {
  if (!pattern.includes('*')) return (t) => t === pattern;
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^.]*')}$`,
  );
  return (t) => re.test(t);
}

export function registerEvents(ctx: Ctx): void {
  const { store } = ctx;
  ctx.route('GET', '/v1/events', ({ params: p, url }) => {
    const type = p.str('type', { max: 200 });
    const types = p.strArray('types', { max: 20 });
    p.ignore('delivery_success');
    if (type && types) throw invalid('You may only specify one of type and types.', 'types');
    if (!type && !types && !p.has('created')) return pageFromStore(p, store, 'event', undefined, url);
    let items: Obj[] = createdFilter(p, store.all('event'));
    const patterns = type ? [type] : types;
    if (patterns) {
      const ms = patterns.map(typeMatcher);
      items = items.filter((e) => ms.some((m) => m(e.type as string)));
    }
    return paginate(p, items, url);
  });
  ctx.route('GET', '/v1/events/:id', ({ path }) => store.must('event', path.id!));
}
