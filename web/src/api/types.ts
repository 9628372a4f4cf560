// Types taken from the generated schema by *path*, not by component name: DESIGN fixes the
// paths, while component names are an implementation detail of the API's models.
import type { paths } from './schema';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Op<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type Responses<O> = O extends { responses: infer R } ? R : never;
type JsonOf<R> = R extends { content: { 'application/json': infer T } } ? T : never;
/** The JSON body of an operation's success response (200 or 201), CSV alternatives removed. */
export type Ok<P extends keyof paths, M extends Method> = Exclude<
  JsonOf<Responses<Op<P, M>>[200 & keyof Responses<Op<P, M>>]> extends never
    ? JsonOf<Responses<Op<P, M>>[201 & keyof Responses<Op<P, M>>]>
    : JsonOf<Responses<Op<P, M>>[200 & keyof Responses<Op<P, M>>]>,
  string
>;
/** The JSON request body of an operation. */
export type Body<P extends keyof paths, M extends Method> =
  Op<P, M> extends { requestBody?: { content: { 'application/json': infer T } } } ? T : never;

export type Organization = Ok<'/org', 'get'>;
export type OrganizationInput = Body<'/org', 'put'>;
export type Preferences = Ok<'/me/preferences', 'get'>;
export type User = Ok<'/users/{user_id}', 'get'>;
export type UserListItem = Ok<'/users', 'get'>['items'][number];
export type UserInput = Body<'/users', 'post'>;
export type UserPatch = Body<'/users/{user_id}', 'patch'>;
export type Role = User['role'] | 'client';

export type ClientListItem = Ok<'/clients', 'get'>['items'][number];
export type Client = Ok<'/clients/{client_id}', 'get'>;
export type ClientInput = Body<'/clients', 'post'>;
export type ClientPatch = Body<'/clients/{client_id}', 'patch'>;
export type ClientStatus = Client['status'];
export type Availability = Body<'/clients/{client_id}/availability', 'put'>;
export type TimeRange = NonNullable<Availability[keyof Availability]>[number];
/** How to reach one of a client's active assigned practitioners (name, email, phone only). */
export type PractitionerContact = Ok<'/clients/{client_id}/practitioners', 'get'>['items'][number];

export type OnTrackReportRow = Exclude<Ok<'/reports/on-track', 'get'>, string>['items'][number];
export type ClientOnTrackRow = Ok<'/clients/{client_id}/on-track', 'get'>['items'][number];
export type TrackStatus = 'on_track' | 'at_risk' | 'off_track' | 'not_tracking';

export type Template = Ok<'/package-templates/{template_id}', 'get'>;
export type TemplateInput = Body<'/package-templates', 'post'>;
export type TemplatePatch = Body<'/package-templates/{template_id}', 'patch'>;
export type OnTrackSettings = NonNullable<TemplateInput['on_track']>;
export type Package = Ok<'/packages/{package_id}', 'get'>;
export type PackageInput = Body<'/clients/{client_id}/packages', 'post'>;
export type PackagePatch = Body<'/packages/{package_id}', 'patch'>;

export type Tracker = Ok<'/trackers/{tracker_id}', 'get'>;
export type TrackerInput = Body<'/clients/{client_id}/trackers', 'post'>;
export type TrackerPatch = Body<'/trackers/{tracker_id}', 'patch'>;

export type Appointment = Ok<'/appointments/{appointment_id}', 'get'>;
export type AppointmentInput = Body<'/appointments', 'post'>;
export type AppointmentPatch = Body<'/appointments/{appointment_id}', 'patch'>;
export type AppointmentStatus = Appointment['status'];
export type TrackerBanner = NonNullable<Appointment['trackers']>[number];

export type Payment = Ok<'/clients/{client_id}/payments', 'get'>['items'][number];
export type PaymentInput = Body<'/clients/{client_id}/payments', 'post'>;
export type Invoice = Ok<'/invoices/{invoice_id}', 'get'>;
export type InvoiceInput = Body<'/invoices', 'post'>;
export type InvoiceLine = InvoiceInput['lines'][number];
export type Task = Ok<'/tasks', 'get'>['items'][number];

/** Every list the API returns has this shape (SPEC §9). */
export interface Page<T> {
  items: T[];
  next_cursor?: string | null;
}

export type EngagementTemplate = Ok<'/engagement-templates/{template_id}', 'get'>;
export type EngagementTemplateInput = Body<'/engagement-templates', 'post'>;
export type EngagementTemplatePatch = Body<'/engagement-templates/{template_id}', 'patch'>;
export type Engagement = Ok<'/engagements/{engagement_id}', 'get'>;
export type EngagementInput = Body<'/engagements', 'post'>;
export type EngagementPatch = Body<'/engagements/{engagement_id}', 'patch'>;
export type EngagementStatus = Engagement['status'];
export type EngagementType = Engagement['type'];
export type HistoryEntry = NonNullable<Engagement['history']>[number];
export type EngagementReportRow = Exclude<
  Ok<'/reports/engagements', 'get'>,
  string
>['items'][number];
/** The On/Off track column (SPEC §7): `not_tracking` is the `-`. */
export type Progress = Engagement['progress'];
