// Charts where a picture beats a table, drawn by recharts (SVG) in token colours so they re-theme
// with the page. Loaded lazily: recharts is the largest part of the bundle and the data is there
// as text too.
import { Bar, BarChart, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { token } from '@atlaskit/tokens';

const axis = { fill: token('color.text.subtle'), fontSize: 12 };

// Bars of `data` ([{label, value, color, onSelect}]): a bar is a button to what it counts.
export default function Bars({ data, label, height = 180 }) {
  return (
    <div role="img" aria-label={label} style={{ width: '100%', height }}>
      <ResponsiveContainer>
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
          <XAxis dataKey="label" tick={axis} stroke={token('color.border')} />
          <YAxis allowDecimals={false} tick={axis} stroke={token('color.border')} />
          <Tooltip cursor={{ fill: token('color.background.neutral.subtle.hovered') }}
            contentStyle={{ background: token('elevation.surface.overlay'), border: 'none', boxShadow: token('elevation.shadow.overlay'), color: token('color.text') }} />
          <Bar dataKey="value" name="findings" isAnimationActive={false} onClick={(entry) => entry?.payload?.onSelect?.()}>
            {data.map((d) => <Cell key={d.label} fill={d.color} cursor={d.onSelect ? 'pointer' : 'default'} />)}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
