/** Pages of the Observatoire (R70): Commander (catalogue, then the order form), Consulter, Voir. */
import { Layout, type Viewer } from '../../views/layout.js';
import { Alert, CsrfField, ErrorSummary, Field, FieldFrame, describedBy, summaryOf, type FieldErrors } from '../../views/components.js';
import { Submit, TextArea } from '../../views/form-controls.js';
import { SummaryRow } from '../../views/tables.js';
import { assetUrl } from '../../views/assets.js';
import { dateTime, day, fileSize } from '../../views/format.js';
import type { ObservatoryOrderStatus } from '../../db/schema.js';
import { Chart } from './observatory.charts.js';
import type { CriterionKey, ObservatoryRequest, OrderResult } from './observatory.request.js';
import { COMMENT_MAX, CONSOLIDATION_DAYS, MAX_OPEN_ORDERS, RETENTION_DAYS, STATUS_LABELS, SUPPRESSED, type Cell, type Column, type ResultTable } from './observatory.rules.js';
import type { OrderFormChoices, OrderView } from './observatory.service.js';

interface Frame {
  viewer: Viewer;
  csrfToken: string;
}

export const ORDER_PATH = '/observatoire/commander';
export const ORDERS_PATH = '/observatoire/consulter';
export const orderPath = (id: number) => `/observatoire/commandes/${id}`;
export const filePath = (id: number) => `/observatoire/commandes/${id}/excel`;

function ConsolidationAdvice({ until }: { until: string }) {
  return (
    <Alert kind="info" title="Délai de consolidation">
      <p>
        Les données des {CONSOLIDATION_DAYS} derniers jours ne sont pas encore consolidées : des saisies peuvent encore les modifier. Pour des
        chiffres stables, terminez la période au plus tard le {day(until)}.
      </p>
    </Alert>
  );
}

/** Commander, first step: the requests this person may order, by theme. */
export function CataloguePage(props: Frame & { requests: ObservatoryRequest[]; consolidatedUntil: string }) {
  const themes = [...new Set(props.requests.map((r) => r.theme))];
  return (
    <Layout title="Commander des statistiques" viewer={props.viewer} csrfToken={props.csrfToken}>
      <h1>Commander des statistiques</h1>
      <p class="lead">
        Choisissez une demande. Les statistiques sont calculées en quelques secondes sur votre périmètre (les lieux de vos habilitations) et
        restent disponibles {RETENTION_DAYS} jours dans <a href={ORDERS_PATH}>Consulter</a>, en graphiques et au format Excel.
      </p>
      <ConsolidationAdvice until={props.consolidatedUntil} />
      {themes.map((theme) => (
        <section>
          <h2>{theme}</h2>
          <ul class="request-list">
            {props.requests
              .filter((r) => r.theme === theme)
              .map((r) => (
                <li>
                  <a href={`${ORDER_PATH}?demande=${r.code}`}>{r.title}</a>
                  <p>{r.description}</p>
                </li>
              ))}
          </ul>
        </section>
      ))}
    </Layout>
  );
}

export interface OrderFormValues {
  debut: string;
  fin: string;
  commentaire: string;
  criteria: Record<string, string>;
}

function ChoiceField(props: { id: string; label: string; value: string; error?: string | undefined; hint?: string; options: { value: string; label: string }[] }) {
  return (
    <FieldFrame id={props.id} label={props.label} hint={props.hint} error={props.error}>
      <select id={props.id} name={props.id} class="field__input" aria-invalid={props.error ? 'true' : undefined} aria-describedby={describedBy(props.id, props.hint, props.error)}>
        <option value="">Tous</option>
        {props.options.map((o) => (
          <option value={o.value} selected={o.value === props.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

function CriterionField({ name, choices, values, errors }: { name: CriterionKey; choices: OrderFormChoices; values: Record<string, string>; errors: FieldErrors }) {
  const value = values[name] ?? '';
  switch (name) {
    case 'departement':
      return <ChoiceField id="departement" label="Département (coordination)" value={value} error={errors.departement} options={choices.departments.map((d) => ({ value: d.code, label: `${d.code} – ${d.name}` }))} />;
    case 'etablissement':
      return choices.establishments ? (
        <ChoiceField id="etablissement" label="Établissement" value={value} error={errors.etablissement} options={choices.establishments.map((e) => ({ value: String(e.id), label: `${e.name} (${e.finess})` }))} />
      ) : (
        <Field id="etablissement_finess" label="Établissement : numéro FINESS" hint="9 caractères, par exemple 340000000 ; laissez vide pour tous les établissements." value={values.etablissement_finess ?? ''} error={errors.etablissement_finess ?? errors.etablissement} maxLength={9} />
      );
    case 'unite':
      return choices.units.length > 0 ? <ChoiceField id="unite" label="Unité" value={value} error={errors.unite} options={choices.units.map((u) => ({ value: String(u.id), label: u.name }))} /> : null;
    case 'profil':
      return <ChoiceField id="profil" label="Profil" value={value} error={errors.profil} options={choices.profiles.map((p) => ({ value: String(p.id), label: p.name }))} />;
    case 'categorie':
      return <ChoiceField id="categorie" label="Catégorie d’orientation" value={value} error={errors.categorie} options={choices.categories.map((c) => ({ value: c.code, label: `${c.short_label} – ${c.label}` }))} />;
    default:
      return null;
  }
}

/** Commander, second step: period, optional criteria behind "+", private comment, "Envoyer la demande". */
export function OrderFormPage(props: Frame & { request: ObservatoryRequest; choices: OrderFormChoices; values: OrderFormValues; errors: FieldErrors; general?: string | undefined }) {
  const { request, values, errors } = props;
  const criteriaErrors = request.criteria.some((k) => errors[k]) || Boolean(errors.etablissement_finess);
  const criteriaSet = request.criteria.some((k) => values.criteria[k]) || Boolean(values.criteria.etablissement_finess);
  return (
    <Layout title={`Commander : ${request.title}`} viewer={props.viewer} csrfToken={props.csrfToken}>
      <p>
        <a href={ORDER_PATH}>Toutes les demandes</a>
      </p>
      <h1>{request.title}</h1>
      <p class="lead">{request.description}</p>
      <ErrorSummary errors={summaryOf(errors, props.general)} />
      <ConsolidationAdvice until={props.choices.consolidatedUntil} />
      {/^\d{4}-\d{2}-\d{2}$/.test(values.fin) && values.fin > props.choices.consolidatedUntil && values.fin <= props.choices.today ? (
        <Alert kind="warning" title="Période récente">
          <p>La période choisie se termine après le {day(props.choices.consolidatedUntil)} : ses derniers jours ne sont pas encore consolidés.</p>
        </Alert>
      ) : null}
      <form method="post" action={ORDER_PATH} novalidate>
        <CsrfField token={props.csrfToken} />
        <input type="hidden" name="demande" value={request.code} />
        <fieldset class="fieldset">
          <legend>Période</legend>
          <p class="field__hint">{request.periodHint} Au plus 5 ans, terminée au plus tard aujourd’hui ({day(props.choices.today)}).</p>
          <Field id="debut" label="Du" type="date" value={values.debut} error={errors.debut} required hint="Format JJ/MM/AAAA" />
          <Field id="fin" label="Au" type="date" value={values.fin} error={errors.fin} required hint="Format JJ/MM/AAAA" />
        </fieldset>
        {request.criteria.length > 0 ? (
          <details class="criteria" open={criteriaErrors || criteriaSet}>
            <summary>+ Ajouter des critères (facultatif)</summary>
            <p class="field__hint">Seules les valeurs de votre périmètre sont proposées. Laissez « Tous » pour l’ensemble du périmètre.</p>
            {request.criteria.map((name) => (
              <CriterionField name={name} choices={props.choices} values={values.criteria} errors={errors} />
            ))}
          </details>
        ) : null}
        <TextArea id="commentaire" label="Commentaire (facultatif)" hint={`Visible de vous seul, ${COMMENT_MAX} caractères au plus.`} value={values.commentaire} error={errors.commentaire} maxLength={COMMENT_MAX} />
        <Submit label="Envoyer la demande" />
      </form>
    </Layout>
  );
}

function StatusCell({ order }: { order: OrderView }) {
  return (
    <>
      <span class={`status status--${order.status}`} data-order-status={order.status}>
        {STATUS_LABELS[order.status]}
      </span>
      {order.status === 'failed' && order.failure_reason ? <p class="status__reason">{order.failure_reason}</p> : null}
    </>
  );
}

function ExcelIcon() {
  return (
    <svg class="icon" aria-hidden="true" focusable="false" viewBox="0 0 16 16" width="16" height="16">
      <rect x="1" y="1" width="14" height="14" rx="2" fill="#1d6f42" />
      <path d="M4.5 4.5 L11.5 11.5 M11.5 4.5 L4.5 11.5" stroke="#fff" stroke-width="2" />
    </svg>
  );
}

const OPEN: readonly ObservatoryOrderStatus[] = ['pending', 'running'];

/** The statuses of a list of orders as the polling script compares them ("12:pending,11:ready"). */
export function statusSignature(orders: readonly { id: number; status: ObservatoryOrderStatus }[]): string {
  return orders.map((o) => `${o.id}:${o.status}`).join(',');
}

/** Consulter: the person's orders, newest first, refreshed by a small script or the "Actualiser" link. */
export function OrdersPage(props: Frame & { orders: OrderView[]; placed?: number | undefined; unconsolidated?: boolean }) {
  const open = props.orders.some((o) => OPEN.includes(o.status));
  return (
    <Layout title="Mes commandes de statistiques" viewer={props.viewer} csrfToken={props.csrfToken}>
      <h1>Mes commandes de statistiques</h1>
      {props.placed ? (
        <Alert kind="success" title="Demande envoyée">
          <p>Votre demande est en cours de calcul : elle sera prête dans quelques secondes.</p>
          {props.unconsolidated ? <p>La période se termine il y a moins de {CONSOLIDATION_DAYS} jours : ses derniers jours ne sont pas encore consolidés.</p> : null}
        </Alert>
      ) : null}
      <p>
        Vous pouvez avoir {MAX_OPEN_ORDERS} commandes en attente ou en cours au plus. Les résultats sont supprimés {RETENTION_DAYS} jours après
        avoir été prêts. <a href={ORDER_PATH}>Commander des statistiques</a>
      </p>
      <p>
        <a href={ORDERS_PATH} id="actualiser" data-status-url={`${ORDERS_PATH}/etat`} data-open={open ? 'true' : 'false'} data-seen={statusSignature(props.orders)}>
          Actualiser
        </a>
        <span id="etat-commandes" class="visually-hidden" role="status" aria-live="polite"></span>
      </p>
      {props.orders.length === 0 ? (
        <p>Vous n’avez aucune commande.</p>
      ) : (
        <div class="table-scroll">
          <table class="orders">
            <caption class="visually-hidden">Mes commandes, les plus récentes d’abord</caption>
            <thead>
              <tr>
                <th scope="col">Demande</th>
                <th scope="col">Période</th>
                <th scope="col">Critères</th>
                <th scope="col">Commentaire</th>
                <th scope="col">Commandée le</th>
                <th scope="col">État</th>
                <th scope="col">Résultats</th>
                <th scope="col">Supprimée le</th>
              </tr>
            </thead>
            <tbody>
              {props.orders.map((order) => (
                <tr id={`commande-${order.id}`}>
                  <th scope="row">{order.title}</th>
                  <td>
                    du {day(order.period_start)} au {day(order.period_end)}
                  </td>
                  <td>{order.criteria_labels.length ? order.criteria_labels.map((c) => <div>{`${c.label} : ${c.value}`}</div>) : 'Aucun'}</td>
                  <td>{order.comment ?? ''}</td>
                  <td>{dateTime(order.ordered_at)}</td>
                  <td>
                    <StatusCell order={order} />
                  </td>
                  <td>
                    {order.status === 'ready' ? (
                      <ul class="inline-list">
                        <li>
                          <a href={orderPath(order.id)}>
                            Voir<span class="visually-hidden"> les statistiques « {order.title} »</span>
                          </a>
                        </li>
                        <li>
                          <a href={filePath(order.id)} download>
                            <ExcelIcon /> Excel<span class="visually-hidden"> : télécharger « {order.title} »</span>
                          </a>
                        </li>
                      </ul>
                    ) : (
                      ''
                    )}
                  </td>
                  <td>{order.expires_at && order.status === 'ready' ? dateTime(order.expires_at) : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <script src={assetUrl('observatoire.js')} defer></script>
    </Layout>
  );
}

const number = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });

/** A cell as the page shows it. */
export function showCell(column: Column, value: Cell): string {
  if (value === null) return '–';
  if (value === SUPPRESSED) return SUPPRESSED;
  if (column.type === 'date' && typeof value === 'string') return day(value);
  if (column.type === 'month' && typeof value === 'string') return `${value.slice(5, 7)}/${value.slice(0, 4)}`;
  if (typeof value === 'number') return column.type === 'percent' ? `${number.format(value)} %` : column.type === 'days' ? `${number.format(value)} j` : number.format(value);
  return value;
}

/** Rows a table shows on the page; the file has them all. */
const PAGE_ROWS = 200;

function ResultTableView({ table }: { table: ResultTable }) {
  const rows = table.rows.slice(0, PAGE_ROWS);
  const numeric = (c: Column) => c.type !== 'text';
  return (
    <section class="result-table">
      <h2>{table.title}</h2>
      {table.description ? <p>{table.description}</p> : null}
      {table.rows.length === 0 ? (
        <p>Aucune donnée sur cette période et ce périmètre.</p>
      ) : (
        <div class="table-scroll">
          <table>
            <caption class="visually-hidden">{table.title}</caption>
            <thead>
              <tr>
                {table.columns.map((c) => (
                  <th scope="col" class={numeric(c) ? 'numeric' : undefined}>
                    {c.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr>
                  {row.map((value, j) => (
                    <td class={numeric(table.columns[j]!) ? 'numeric' : undefined}>{showCell(table.columns[j]!, value)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
            {table.total ? (
              <tfoot>
                <tr>
                  {table.total.map((value, j) =>
                    j === 0 ? (
                      <th scope="row">Total</th>
                    ) : (
                      <td class={numeric(table.columns[j]!) ? 'numeric' : undefined}>{value === null ? '' : showCell(table.columns[j]!, value)}</td>
                    ),
                  )}
                </tr>
              </tfoot>
            ) : null}
          </table>
        </div>
      )}
      {table.rows.length > PAGE_ROWS ? (
        <p>
          Les {PAGE_ROWS} premières lignes sur {table.rows.length.toLocaleString('fr-FR')} : le fichier Excel les contient toutes.
        </p>
      ) : null}
    </section>
  );
}

/** Voir: the result with its charts and tables, printable. */
export function ResultPage(props: Frame & { order: OrderView; result: OrderResult; fileBytes?: number | undefined }) {
  const { order, result } = props;
  const byKey = new Map(result.tables.map((t) => [t.key, t]));
  const suppressed = result.tables.some((t) => t.suppressed > 0);
  return (
    <Layout title={`Statistiques : ${order.title}`} viewer={props.viewer} csrfToken={props.csrfToken}>
      <p class="no-print">
        <a href={ORDERS_PATH}>Mes commandes</a>
      </p>
      <h1>{order.title}</h1>
      <dl class="summary-list">
        <SummaryRow label="Période">
          du {day(order.period_start)} au {day(order.period_end)}
        </SummaryRow>
        <SummaryRow label="Critères">{order.criteria_labels.length ? order.criteria_labels.map((c) => `${c.label} : ${c.value}`).join(' ; ') : 'Aucun (tout le périmètre)'}</SummaryRow>
        <SummaryRow label="Périmètre">{result.scope.join(' ; ')}</SummaryRow>
        <SummaryRow label="Commandée par">{result.orderedBy}</SummaryRow>
        <SummaryRow label="Commandée le">{dateTime(order.ordered_at)}</SummaryRow>
        <SummaryRow label="Données au">{dateTime(new Date(result.dataAsOf))}</SummaryRow>
        {order.expires_at ? <SummaryRow label="Supprimée le">{dateTime(order.expires_at)}</SummaryRow> : null}
      </dl>
      <p class="no-print">
        <a href={filePath(order.id)} download>
          <ExcelIcon /> Télécharger le fichier Excel{props.fileBytes ? ` (${fileSize(props.fileBytes)})` : ''}
        </a>
      </p>
      {suppressed ? (
        <Alert kind="info" title="Secret statistique">
          <p>Les effectifs de personnes inférieurs à 5 sont remplacés par « &lt; 5 », ainsi qu’un second effectif lorsqu’un total permettrait de les retrouver.</p>
        </Alert>
      ) : null}
      {result.charts.map((spec, i) => {
        const table = byKey.get(spec.table);
        return table && table.rows.length > 0 ? <Chart id={`graphique-${i + 1}`} spec={spec} table={table} /> : null;
      })}
      {result.tables.map((table) => (
        <ResultTableView table={table} />
      ))}
    </Layout>
  );
}
