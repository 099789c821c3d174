import { Button, TextField, Title } from '@clickhouse/click-ui';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { AUDIT_ENTITY_TYPES } from '../../../functions/audit/audit-entity-types.ts';
import { query } from '../api.ts';
import type { AuditEntityType, AuditRecord, Page, Purchase } from '../api-types.ts';
import { type StoryContext, storyOf } from '../audit-story.ts';
import { Empty, Pager, QueryView, useCursor, usePageTitle, When } from '../components.tsx';
import { useSession } from '../session.tsx';

/** The service's own list (the filter's enum in the audit schemas is built from it). */
const ENTITY_TYPES: readonly AuditEntityType[] = AUDIT_ENTITY_TYPES;

const ENTITY_NAMES: Record<AuditEntityType, string> = {
  CREDIT: 'Credit of customer',
  CREDIT_TRANSACTION: 'Credit entry',
  RESERVATION: 'Reservation',
  PURCHASE: 'Purchase',
  REFUND: 'Refund',
  PROMO_CODE: 'Promo code',
};

/**
 * The audit trail of one entity, of every entity of a type, or of all, 20 changes a page, newest
 * first: each change in words, then the fields it changed.
 */
export default function AuditPage() {
  const { api } = useSession();
  const [params, setParams] = useSearchParams();
  const entityType = (params.get('entityType') ?? undefined) as AuditEntityType | undefined;
  const entityId = params.get('entityId') ?? undefined;
  usePageTitle(entityType ? `Audit · ${entityType}${entityId ? ` ${entityId}` : ''}` : 'Audit trail');
  const [typeInput, setTypeInput] = useState<string>(entityType ?? '');
  const [idInput, setIdInput] = useState(entityId ?? '');
  const pages = useCursor(`audit-${entityType ?? ''}-${entityId ?? ''}`);
  const trail = useQuery({
    queryKey: ['audit', entityType ?? '', entityId ?? '', pages.cursor ?? ''],
    queryFn: () =>
      api<Page<AuditRecord>>(`/v1/audit${query({ entityType, entityId, limit: 20, cursor: pages.cursor })}`),
    placeholderData: keepPreviousData,
  });
  // A purchase's trail tells each refund with its reason, which lives on the refund.
  const purchaseId = entityType === 'PURCHASE' ? entityId : undefined;
  const purchase = useQuery({
    queryKey: ['purchase', purchaseId ?? ''],
    queryFn: () => api<Purchase>(`/v1/purchases/${encodeURIComponent(purchaseId ?? '')}`),
    enabled: purchaseId !== undefined,
  });
  const context: StoryContext = { refunds: purchase.data?.refunds ?? [] };
  const onShow = (event: FormEvent) => {
    event.preventDefault();
    const next: Record<string, string> = {};
    if (typeInput) next.entityType = typeInput;
    if (typeInput && idInput.trim()) next.entityId = idInput.trim();
    setParams(next);
  };
  return (
    <section aria-labelledby="audit-title">
      <Title type="h1" size="lg" id="audit-title">
        Audit trail{entityType ? ` of ${entityType}${entityId ? ` ${entityId}` : ''}` : ''}
      </Title>
      <form onSubmit={onShow} className="inline-form" aria-label="Choose an entity">
        <div className="select">
          <label htmlFor="audit-entity-type">Entity type</label>{' '}
          <select
            id="audit-entity-type"
            value={typeInput}
            onChange={(event) => setTypeInput(event.target.value)}
          >
            <option value="">Any</option>
            {ENTITY_TYPES.map((type) => (
              <option key={type} value={type}>
                {ENTITY_NAMES[type]}
              </option>
            ))}
          </select>
        </div>
        <TextField id="audit-entity-id" label="Entity id" value={idInput} onChange={setIdInput} />
        <Button htmlType="submit" type="secondary" label="Show trail" />
      </form>
      <QueryView query={trail} what="the audit trail">
        {(page) =>
          page.items.length === 0 ? (
            <Empty>No audited changes.</Empty>
          ) : (
            <>
              <ol className="audit" aria-label="Changes, newest first">
                {page.items.map((record) => (
                  <AuditEntry key={record.id} record={record} context={context} />
                ))}
              </ol>
              <Pager
                label="Audit"
                page={pages.page}
                nextCursor={page.nextCursor}
                onNext={pages.next}
                onPrevious={pages.previous}
              />
            </>
          )
        }
      </QueryView>
    </section>
  );
}

function AuditEntry({ record, context }: { record: AuditRecord; context: StoryContext }) {
  const { headline, fields } = storyOf(record, context);
  const table = (
    <table className="diff">
      <caption className="visually-hidden">
        Fields of change {record.sequence} of {record.entityType} {record.entityId}
      </caption>
      <thead>
        <tr>
          <th scope="col">Field</th>
          {record.action !== 'CREATED' && <th scope="col">Before</th>}
          {record.action !== 'DELETED' && <th scope="col">After</th>}
        </tr>
      </thead>
      <tbody>
        {fields.map((line) => (
          <tr key={line.label}>
            <th scope="row">{line.label}</th>
            {record.action !== 'CREATED' && (
              <td className="before">{line.before === undefined ? '—' : <del>{line.before}</del>}</td>
            )}
            {record.action !== 'DELETED' && (
              <td className="after">{line.after === undefined ? '—' : <ins>{line.after}</ins>}</td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
  return (
    <li className="audit-entry">
      <p className="audit-headline">
        <strong>{headline}</strong>
      </p>
      <p className="audit-meta">
        <When iso={record.at} /> · {ENTITY_NAMES[record.entityType]}{' '}
        <Link to={`/audit${query({ entityType: record.entityType, entityId: record.entityId })}`}>
          {record.entityId}
        </Link>{' '}
        · change {record.sequence}
      </p>
      {fields.length > 0 &&
        // A creation lists the whole item (snapshots included): folded, so a page stays scannable.
        (record.action === 'UPDATED' ? (
          table
        ) : (
          <details>
            <summary>
              {record.action === 'CREATED' ? 'Created with' : 'Deleted with'} {fields.length} fields
            </summary>
            {table}
          </details>
        ))}
    </li>
  );
}
