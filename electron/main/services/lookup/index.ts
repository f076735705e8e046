export { LookupService, MAX_QUERY_LENGTH, DEFAULT_LIMIT, MAX_LIMIT } from './lookup-service';
export type { CustomerHit, CustomerMatch, InvoiceHit, LookupResult, SearchOptions } from './types';
