import { describe, expect, it } from 'vitest';
import { routeLabels, routeNamed } from './routes.js';

describe('routes by name', () => {
  const routes = [{ name: 'sales', label: 'Sales' }, { name: 'default', label: 'Support' }, { name: 'field' }];

  it('finds a route by its name; a name no route has (or none) is the default route’s, else the first route’s', () => {
    expect(routeNamed(routes, 'field').name).toBe('field');
    expect(routeNamed(routes, 'gone').name).toBe('default');
    expect(routeNamed(routes, undefined).name).toBe('default');
    expect(routeNamed([{ name: 'sales' }, { name: 'field' }], 'gone').name).toBe('sales');
  });

  it('labels a conversation’s number only when there are several routes', () => {
    const label = routeLabels(routes)!;
    expect([label('sales'), label(undefined), label('field')]).toEqual(['Sales', 'Support', undefined]);
    expect(routeLabels([{ name: 'default', label: 'Support' }])).toBeUndefined();
  });
});
