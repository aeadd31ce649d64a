// The "Service Accounts" admin page: a navigation of its views and the view at the page's address.
import Button from '@atlaskit/button/new';
import EmptyState from '@atlaskit/empty-state';
import { Box, Inline, Stack } from '../../shared/components.jsx';
import { navigate, routeOf, useLocationPath } from '../../shared/router.js';
import { routes } from './routes.jsx';

function Navigation({ current }) {
  return (
    <Box as="nav" aria-label="Service Accounts views" paddingBlockEnd="space.100">
      <Inline space="space.050" shouldWrap>
        {routes.filter((r) => r.nav).map((r) => {
          const selected = current === r.path;
          return (
            <Button key={r.path} appearance="subtle" isSelected={selected} aria-current={selected ? 'page' : undefined}
              onClick={() => navigate(r.path)}>
              {r.nav}
            </Button>
          );
        })}
      </Inline>
    </Box>
  );
}

export function App() {
  const path = useLocationPath();
  const route = routeOf(routes, path);
  const View = route?.view;
  return (
    <Box padding="space.300">
      <Stack space="space.200">
        <Navigation current={route?.under ?? route?.path} />
        <Box as="main">
          {View ? <View key={path} params={route.params} /> : (
            <EmptyState header="There is no such view" description={`Nothing lives at “${path}”.`}
              primaryAction={<Button appearance="primary" onClick={() => navigate('/')}>Go to the overview</Button>} />
          )}
        </Box>
      </Stack>
    </Box>
  );
}
