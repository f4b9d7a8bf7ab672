/**
 * A virtualized list (only the visible rows are in the DOM: 10,000 events scroll smoothly),
 * navigable by keyboard as a listbox: arrows, Page Up/Down, Home/End move, Enter picks.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

export interface VirtualListProps {
  id: string;
  label: string;
  count: number;
  rowHeight: number;
  height: number;
  renderRow: (index: number) => ComponentChildren;
  onPick?: (index: number) => void;
  /** Follow the end while new rows arrive (live history), until the user moves away. */
  followEnd?: boolean;
}

export function VirtualList({ id, label, count, rowHeight, height, renderRow, onPick, followEnd }: VirtualListProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 12,
  });
  useEffect(() => {
    if (followEnd && count > 0) virtualizer.scrollToIndex(count - 1, { align: 'end' });
  }, [followEnd, count, virtualizer]);
  const move = (to: number) => {
    const index = Math.max(0, Math.min(count - 1, to));
    setActive(index);
    virtualizer.scrollToIndex(index, { align: 'auto' });
  };
  const page = Math.max(1, Math.floor(height / rowHeight) - 1);
  return (
    <div
      id={id}
      ref={scroller}
      class="virtual-list"
      style={{ height: `${height}px` }}
      role="listbox"
      aria-label={label}
      data-rows={count}
      tabIndex={0}
      aria-activedescendant={count > 0 ? `${id}-row-${active}` : undefined}
      onKeyDown={(e) => {
        const keys: Record<string, number> = {
          ArrowDown: active + 1,
          ArrowUp: active - 1,
          PageDown: active + page,
          PageUp: active - page,
          Home: 0,
          End: count - 1,
        };
        if (e.key in keys) {
          e.preventDefault();
          move(keys[e.key]);
        } else if (e.key === 'Enter' && onPick) {
          e.preventDefault();
          onPick(active);
        }
      }}
    >
      <div style={{ height: `${virtualizer.getTotalSize()}px`, position: 'relative' }}>
        {virtualizer.getVirtualItems().map((item) => (
          <div
            key={item.key}
            id={`${id}-row-${item.index}`}
            role="option"
            aria-selected={item.index === active}
            class={`virtual-row${item.index === active ? ' active' : ''}`}
            style={{
              position: 'absolute',
              top: 0,
              left: 0,
              right: 0,
              height: `${rowHeight}px`,
              transform: `translateY(${item.start}px)`,
            }}
            onClick={() => {
              setActive(item.index);
              onPick?.(item.index);
            }}
          >
            {renderRow(item.index)}
          </div>
        ))}
      </div>
    </div>
  );
}
