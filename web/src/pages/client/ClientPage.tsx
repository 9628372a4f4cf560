import { useParams, useSearchParams } from 'react-router';
import { useLocationName } from '../../api/queries';
import { useClaims } from '../../auth/SessionContext';
import { Breadcrumb, RecordHead, RecordPageLoading } from '../../components/RecordPage';
import { ClientStatusBadge } from '../../components/StatusBadge';
import { AppointmentDialog } from './AppointmentDialog';
import { AppointmentsCard } from './AppointmentsCard';
import { AvailabilityCard } from './AvailabilityCard';
import { useClient } from './clientQueries';
import { DeleteClientButton } from './DeleteClient';
import { DetailsCard, EditDetailsButton } from './DetailsCard';
import { NotesCard } from './NotesCard';
import { OnTrackCard } from './OnTrackCard';
import { PackagesCard } from './PackagesCard';
import { PaymentsCard } from './PaymentsCard';
import { PortalCard } from './PortalCard';
import { TrackersCard } from './TrackersCard';

export default function ClientPage() {
  const { clientId = '' } = useParams();
  const claims = useClaims();
  const [params, setParams] = useSearchParams();
  const client = useClient(clientId);
  const locationName = useLocationName();
  const appointment = params.get('appointment');

  const openAppointment = (id: string) => {
    const next = new URLSearchParams(params);
    next.set('appointment', id);
    setParams(next);
  };
  const closeAppointment = () => {
    const next = new URLSearchParams(params);
    next.delete('appointment');
    setParams(next);
  };

  const back = <Breadcrumb to="/app/clients" label="Clients" />;
  if (client.isError || !client.data) {
    const loading = ['Loading the client', 'Loading packages', 'Loading details'] as const;
    return <RecordPageLoading query={client} back={back} loading={loading} />;
  }
  const { data, etag } = client.data;

  return (
    <div className="page">
      {back}
      <RecordHead
        name={data.name}
        color={data.color}
        status={<ClientStatusBadge status={data.status} />}
        sub={[data.email, data.phone, locationName(data.location_id)].filter(Boolean).join(' · ')}
        actions={
          <>
            <button
              type="button"
              className="button button-primary"
              onClick={() => openAppointment('new')}
            >
              Book a session
            </button>
            <EditDetailsButton client={data} etag={etag} />
            <DeleteClientButton client={data} />
          </>
        }
      />
      <div className="grid-2">
        <div>
          <TrackersCard clientId={clientId} />
          <OnTrackCard clientId={clientId} />
          <PackagesCard clientId={clientId} />
          <AppointmentsCard clientId={clientId} onOpen={openAppointment} />
          <PaymentsCard clientId={clientId} />
        </div>
        <div>
          <DetailsCard client={data} etag={etag} />
          <AvailabilityCard client={data} />
          {claims.role !== 'client' ? <NotesCard client={data} etag={etag} /> : null}
          <PortalCard client={data} />
        </div>
      </div>
      {appointment ? (
        <AppointmentDialog
          client={data}
          appointmentId={appointment === 'new' ? null : appointment}
          onClose={closeAppointment}
          onCreated={(id) => openAppointment(id)}
        />
      ) : null}
    </div>
  );
}
