import { Button, TextField, Title } from '@clickhouse/click-ui';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useSearchParams } from 'react-router';
import { AUDIT_ENTITY_TYPES } from '../../../functions/audit/audit-entity-types.ts';
import { query } from '../api.ts';
import type { AuditEntityType, AuditRecord, Page } from '../api-types.ts';
import { diffRecord } from '../audit-diff.ts';
import { Empty, formatTime, Pager, QueryView, useCursor, usePageTitle } from '../components.tsx';
import { useSession } from '../session.tsx';

/** The service's own list (the filter's enum in the audit schemas is built from it). */
const ENTITY_TYPES: readonly AuditEntityType[] = AUDIT_ENTITY_TYPES;

/** The audit trail of one entity (or of every entity of a type), each change as a before/after diff. */
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
                {type}
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
                  <AuditEntry key={record.id} record={record} />
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

function AuditEntry({ record }: { record: AuditRecord }) {
  const lines = diffRecord(record.before, record.after);
  return (
    <li className="audit-entry">
      <p>
        <strong>
          {record.entityType} {record.action}
        </strong>{' '}
        #{record.sequence} of {record.entityId}, by {record.actor}, {formatTime(record.at)}
      </p>
      <table className="diff">
        <caption className="visually-hidden">
          Change {record.sequence} of {record.entityType} {record.entityId}
        </caption>
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Before</th>
            <th scope="col">After</th>
          </tr>
        </thead>
        <tbody>
          {lines.map((line) => (
            <tr key={line.field}>
              <th scope="row">{line.field}</th>
              <td className="before">{line.before === undefined ? '—' : <del>{line.before}</del>}</td>
              <td className="after">{line.after === undefined ? '—' : <ins>{line.after}</ins>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </li>
  );
}
