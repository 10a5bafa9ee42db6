<?php
/**
 * spamgate: the dashboard widget's seven-day chart: per day, one bar per
 * action (passed, held, rejected, discarded) as inline SVG, each bar with
 * its count as a tooltip, and a legend with the totals. No script; the
 * widget's table below it gives every number as text.
 *
 * @package spamgate
 */

/**
 * The actions in the chart, in order: label and colour (WordPress's admin
 * palette).
 *
 * @return array Action => array( 'label' => string, 'color' => '#rrggbb' ).
 */
function spamgate_chart_actions() {
	return array(
		'pass'    => array(
			'label' => __( 'Passed', 'spamgate' ),
			'color' => '#00a32a',
		),
		'hold'    => array(
			'label' => __( 'Held', 'spamgate' ),
			'color' => '#dba617',
		),
		'reject'  => array(
			'label' => __( 'Rejected', 'spamgate' ),
			'color' => '#d63638',
		),
		'discard' => array(
			'label' => __( 'Discarded', 'spamgate' ),
			'color' => '#646970',
		),
	);
}

/**
 * The last $count days of parsed stats (oldest first, as spamgate sends
 * them), each with a short label and its counts per action.
 *
 * @param array $stats From Spamgate_Api_Answers::stats().
 * @param int   $count Days.
 * @return array List of array( 'date', 'label', 'counts' => array( pass, hold, reject, discard ) ).
 */
function spamgate_chart_days( array $stats, $count = 7 ) {
	$days = array();
	foreach ( array_slice( $stats['days'], -$count ) as $day ) {
		$counts = array();
		foreach ( array_keys( spamgate_chart_actions() ) as $action ) {
			$counts[ $action ] = isset( $day[ $action ] ) ? max( 0, (int) $day[ $action ] ) : 0;
		}
		$days[] = array(
			'date'   => $day['date'],
			'label'  => preg_match( '/^\d{4}-(\d{2}-\d{2})$/', $day['date'], $m ) ? $m[1] : $day['date'],
			'counts' => $counts,
		);
	}
	return $days;
}

/**
 * The tooltip of one bar, e.g. "2025-12-01: 12 rejected".
 *
 * @param string $date   The day.
 * @param string $action pass, hold, reject or discard.
 * @param int    $count  The count.
 * @return string Plain text.
 */
function spamgate_chart_bar_title( $date, $action, $count ) {
	$number = number_format_i18n( $count );
	switch ( $action ) {
		case 'pass':
			/* translators: 1: day, 2: number of submissions. */
			return sprintf( __( '%1$s: %2$s passed', 'spamgate' ), $date, $number );
		case 'hold':
			/* translators: 1: day, 2: number of submissions. */
			return sprintf( __( '%1$s: %2$s held', 'spamgate' ), $date, $number );
		case 'reject':
			/* translators: 1: day, 2: number of submissions. */
			return sprintf( __( '%1$s: %2$s rejected', 'spamgate' ), $date, $number );
	}
	/* translators: 1: day, 2: number of submissions. */
	return sprintf( __( '%1$s: %2$s discarded', 'spamgate' ), $date, $number );
}

/**
 * The chart as HTML: an SVG with a group of four bars per day (scaled to
 * the largest count; a non-zero count is at least one unit high), and a
 * legend with each action's total. '' when the stats hold no day.
 *
 * @param array $stats From Spamgate_Api_Answers::stats().
 * @return string
 */
function spamgate_chart_html( array $stats ) {
	$days = spamgate_chart_days( $stats );
	if ( empty( $days ) ) {
		return '';
	}
	$actions = spamgate_chart_actions();
	$max     = 1;
	$totals  = array_fill_keys( array_keys( $actions ), 0 );
	foreach ( $days as $day ) {
		foreach ( $day['counts'] as $action => $count ) {
			$max               = max( $max, $count );
			$totals[ $action ] += $count;
		}
	}
	$group = 60;
	$bar   = 12;
	$plot  = 96;
	$width = $group * count( $days );
	$svg   = sprintf(
		'<svg class="spamgate-chart" viewBox="0 0 %1$d 120" width="100%%" height="150" role="img" aria-label="%2$s" preserveAspectRatio="xMidYMid meet">',
		$width,
		esc_attr(
			sprintf(
				/* translators: %d: number of days. */
				_n( 'Submissions per day by spamgate\'s action, last %d day; the table below has the numbers.', 'Submissions per day by spamgate\'s action, last %d days; the table below has the numbers.', count( $days ), 'spamgate' ),
				count( $days )
			)
		)
	);
	foreach ( $days as $i => $day ) {
		$j = 0;
		foreach ( $day['counts'] as $action => $count ) {
			$height = 0 === $count ? 0 : max( 1, (int) round( $count / $max * $plot ) );
			$svg   .= sprintf(
				'<rect class="spamgate-bar-%1$s" x="%2$d" y="%3$d" width="%4$d" height="%5$d" fill="%6$s"><title>%7$s</title></rect>',
				esc_attr( $action ),
				$i * $group + 5 + $j * ( $bar + 1 ),
				4 + $plot - $height,
				$bar,
				$height,
				esc_attr( $actions[ $action ]['color'] ),
				esc_html( spamgate_chart_bar_title( $day['date'], $action, $count ) )
			);
			++$j;
		}
		$svg .= sprintf(
			'<text x="%1$d" y="116" text-anchor="middle" font-size="11" fill="#50575e">%2$s</text>',
			$i * $group + (int) ( $group / 2 ),
			esc_html( $day['label'] )
		);
	}
	$svg   .= sprintf( '<line x1="0" y1="100.5" x2="%d" y2="100.5" stroke="#c3c4c7" stroke-width="1"/></svg>', $width );
	$legend = '<ul class="spamgate-chart-legend" style="display:flex;flex-wrap:wrap;gap:4px 16px;list-style:none;margin:4px 0 12px;padding:0">';
	foreach ( $actions as $action => $info ) {
		$legend .= sprintf(
			'<li class="spamgate-legend-%1$s" style="margin:0"><span aria-hidden="true" style="display:inline-block;width:10px;height:10px;margin-right:4px;background:%2$s"></span>%3$s</li>',
			esc_attr( $action ),
			esc_attr( $info['color'] ),
			esc_html(
				/* translators: 1: action (Passed, Held, ...), 2: total over the days shown. */
				sprintf( __( '%1$s: %2$s', 'spamgate' ), $info['label'], number_format_i18n( $totals[ $action ] ) )
			)
		);
	}
	return '<figure class="spamgate-chart-figure" style="margin:0">' . $svg . $legend . '</ul></figure>';
}
